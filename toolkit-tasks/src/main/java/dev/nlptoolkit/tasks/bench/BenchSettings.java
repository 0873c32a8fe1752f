package dev.nlptoolkit.tasks.bench;

import java.nio.file.Path;

/**
 * How a benchmark runs.
 *
 * @param threads PyTorch intra-op threads
 * @param steps timed steps (or calls); the reported figure is their median
 * @param warmup untimed steps first, so that allocator caches and the JIT settle
 * @param seed for the random inputs and weights
 * @param profile where to write libtorch's profiler trace (Chrome trace JSON) of the first timed step,
 *     or null; that step is then slower and the figures are not comparable
 * @param cache whether decoding workloads extend the decoder's key/value cache at each step (the
 *     default) or re-decode the whole prefix ({@code --no-cache}); the other workloads ignore it
 */
public record BenchSettings(int threads, int steps, int warmup, long seed, Path profile, boolean cache) {

    public static final int DEFAULT_STEPS = 10;
    public static final int DEFAULT_WARMUP = 3;
    public static final long DEFAULT_SEED = 42;

    public BenchSettings {
        if (threads < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("threads and steps must be at least 1 and warmup at least 0, got "
                    + threads + ", " + steps + ", " + warmup);
        }
    }

    /** Warm-up and timed steps together. */
    public int totalSteps() {
        return warmup + steps;
    }
}
