package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.train.Optimizer;
import dev.nlptoolkit.core.train.TrainingLoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * Times whole training steps (forward, backward, optimizer update) as {@link TrainingLoop} runs them
 * in real training, on one batch made before the timed region: the loop's own step listener reports
 * each step's wall time.
 */
final class TrainingBench {

    private TrainingBench() {}

    /**
     * Runs warm-up plus timed steps of {@code loss} on the pre-made {@code batch}; returns the timed
     * steps. The batch is attached to each step's scope for the step, so the arrays the forward pass
     * makes from it are freed with the scope instead of piling up in {@code manager}.
     */
    static Timed time(BenchSettings settings, NDList batch, Function<NDList, NDArray> loss, Optimizer optimizer,
            NDManager manager) {
        long[] nanos = new long[settings.steps()];
        long[] cpuNanos = new long[settings.steps()];
        long[] cpuBefore = {0};
        List<Integer> oneEpoch = Collections.nCopies(settings.totalSteps(), 0);
        TrainingLoop<Integer> loop = TrainingLoop.<Integer>builder()
                .setData((epoch, order) -> oneEpoch)
                .setTrainStep((unused, scope) -> {
                    batch.tempAttach(scope);
                    return loss.apply(batch);
                })
                .setOptimizer(optimizer)
                .setEpochs(1)
                .optSeed(settings.seed())
                .optStepListener((done, stepLoss, stepNanos) -> {
                    int index = (int) done - 1;
                    Benchmarks.profileAfter(settings, index);
                    long cpu = ProcessCpu.nanos();
                    if (index >= settings.warmup()) {
                        nanos[index - settings.warmup()] = stepNanos;
                        cpuNanos[index - settings.warmup()] = cpu - cpuBefore[0];
                    }
                    Benchmarks.profileBefore(settings, index + 1);
                    cpuBefore[0] = ProcessCpu.nanos();
                })
                .build();
        Benchmarks.profileBefore(settings, 0);
        cpuBefore[0] = ProcessCpu.nanos();
        try {
            loop.run(manager);
        } catch (IOException e) {
            throw new UncheckedIOException("a benchmark writes no files, yet the training loop failed", e);
        }
        return new Timed(new StepTimes(nanos), new StepTimes(cpuNanos));
    }

    /** Wall and process CPU times of the timed steps. */
    record Timed(StepTimes wall, StepTimes cpu) {}
}
