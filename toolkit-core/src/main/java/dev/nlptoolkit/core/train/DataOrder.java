package dev.nlptoolkit.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded randomness that is a pure function of (seed, index), so that a resumed run reproduces it
 * without storing any generator's internal state: the data order of epoch {@code e} comes from
 * {@link #forEpoch(long, int)}, and the engine's RNG (dropout) is reseeded before every optimizer
 * step with {@link #stepSeed(long, long)}.
 */
public final class DataOrder {

    // SplitMix64's increment and finaliser constants (Steele, Lea and Flood, 2014).
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long MIX_1 = 0xBF58476D1CE4E5B9L;
    private static final long MIX_2 = 0x94D049BB133111EBL;
    /** Separates the step-seed stream from the epoch stream of the same seed. */
    private static final long STEP_STREAM = 0x5DEECE66DL;

    private DataOrder() {}

    /** The generator for the data order of {@code epoch}: the same for the same (seed, epoch). */
    public static SplittableRandom forEpoch(long seed, int epoch) {
        return new SplittableRandom(mix(seed, epoch));
    }

    /** The engine seed to set before optimizer step {@code step}. */
    public static int stepSeed(long seed, long step) {
        return (int) mix(seed ^ STEP_STREAM, step);
    }

    /** {@code 0 .. n-1} shuffled by Fisher-Yates with {@code random}. */
    public static int[] permutation(int n, SplittableRandom random) {
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A shuffled permutation of {@code 0 .. n-1} cut into batches of {@code batchSize} (the last may be smaller). */
    public static List<int[]> shuffledBatches(int n, int batchSize, SplittableRandom random) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        int[] order = permutation(n, random);
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < n; start += batchSize) {
            batches.add(Arrays.copyOfRange(order, start, Math.min(n, start + batchSize)));
        }
        return batches;
    }

    private static long mix(long seed, long index) {
        long z = seed + (index + 1) * GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * MIX_1;
        z = (z ^ (z >>> 27)) * MIX_2;
        return z ^ (z >>> 31);
    }
}
