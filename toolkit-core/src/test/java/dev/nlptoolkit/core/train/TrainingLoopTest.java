package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

class TrainingLoopTest {

    private static final int BATCH = 4;
    private static final int EPOCHS = 4;
    private static final long TOTAL_STEPS = 20;
    private static final long HALF = 10;
    private static final long SEED = 42;
    private static final double CLIP = 1.0;

    private static EpochBatches<int[]> batchesOf(int size) {
        return (epoch, order) -> DataOrder.shuffledBatches(Regression.EXAMPLES, size, order);
    }

    private static TrainingLoop.Builder<int[]> loop(Regression r, Optimizer opt, NDManager manager) {
        return TrainingLoop.<int[]>builder()
                .setData(batchesOf(BATCH))
                .setTrainStep(r::loss)
                .setOptimizer(opt)
                .setEpochs(EPOCHS)
                .optSeed(SEED)
                .optClipNorm(CLIP)
                .optExamplesPerBatch(b -> b.length)
                .optEvaluator(m -> Map.of("mse", r.mse(m)), 4, true)
                .optEarlyStopping(EarlyStopping.keepBest("mse", EarlyStopping.Mode.MIN));
    }

    @Test
    void stopAndResumeIsBitIdenticalToOneRun(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression straight = new Regression(manager);
            double before = straight.mse(manager);
            TrainingResult full;
            try (AdamW opt = straight.adamW(TOTAL_STEPS)) {
                full = loop(straight, opt, manager).optMaxSteps(TOTAL_STEPS)
                        .optCheckpoints(dir.resolve("a"), ModelStore.ofParameters(straight.parameters))
                        .build().run(manager);
            }
            assertEquals(TOTAL_STEPS, full.steps());
            assertEquals(StopReason.STEP_LIMIT, full.reason());
            assertTrue(straight.mse(manager) < before / 2, "training should reduce the loss");

            Path split = dir.resolve("b");
            Regression first = new Regression(manager);
            try (AdamW opt = first.adamW(TOTAL_STEPS)) {
                TrainingResult half = loop(first, opt, manager).optMaxSteps(HALF)
                        .optCheckpoints(split, ModelStore.ofParameters(first.parameters))
                        .optLog(split.resolve("log.jsonl"))
                        .build().run(manager);
                assertEquals(HALF, half.steps());
            }
            TrainingCheckpoint.State saved = TrainingCheckpoint.readState(split.resolve(TrainingCheckpoint.LAST));
            // 6 batches per epoch: step 10 stops after batch 4 of epoch 1.
            assertEquals(new TrainingCheckpoint.State(HALF, 1, 4, SEED, saved.bestValue(), saved.bestStep(), 0), saved);

            Regression second = new Regression(manager);
            TrainingResult resumed;
            try (AdamW opt = second.adamW(TOTAL_STEPS)) {
                resumed = loop(second, opt, manager).optMaxSteps(TOTAL_STEPS)
                        .optCheckpoints(split, ModelStore.ofParameters(second.parameters))
                        .optLog(split.resolve("log.jsonl"))
                        .build().resume(manager);
                assertEquals(TOTAL_STEPS, opt.stepCount());
            }
            assertEquals(TOTAL_STEPS, resumed.steps());
            assertArrayEquals(straight.weights(), second.weights());
            assertEquals(full.bestValue(), resumed.bestValue());
            assertEquals(full.bestStep(), resumed.bestStep());

            // Evaluations at steps 4, 6 (epoch end), 8, 12 (and epoch end), 16, 18 (epoch end), 20.
            List<String> lines = Files.readAllLines(split.resolve("log.jsonl"));
            long[] steps = lines.stream().mapToLong(l -> JsonParser.parseString(l).getAsJsonObject().get("step").getAsLong())
                    .toArray();
            assertArrayEquals(new long[] {4, 6, 8, 12, 16, 18, 20}, steps);
            JsonObject last = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
            assertEquals(straight.mse(manager), last.getAsJsonObject("metrics").get("mse").getAsDouble(), 1e-6);
            assertTrue(last.has("lr") && last.has("epoch") && last.has("elapsed_s") && last.has("train_loss"));
        }
    }

    @Test
    void keepsTheLatestEvaluationCheckpointsAndAveragesThem(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                loop(r, opt, manager).optMaxSteps(TOTAL_STEPS)
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters))
                        .optKeepEvaluationCheckpoints(2)
                        .build().run(manager);
            }
            // Evaluations at 4, 6, 8, 12, 16, 18, 20: the last two are kept.
            List<Path> kept = TrainingCheckpoint.steps(dir);
            assertEquals(List.of(dir.resolve("step-18"), dir.resolve("step-20")), kept);
            float[] last = r.weights();
            ModelStore.ofParameters(r.parameters).load(kept.get(0));
            float[] before = r.weights();
            CheckpointAveraging.average(r.parameters, kept);
            float[] averaged = r.weights();
            for (int i = 0; i < averaged.length; i++) {
                assertEquals((before[i] + last[i]) / 2, averaged[i], 1e-6);
            }
            assertThrows(CheckpointException.class, () -> CheckpointAveraging.average(
                    new Regression(manager).parameters, List.of(dir.resolve("no-such-step"))));
        }
    }

    @Test
    void earlyStoppingStopsAtTheRightEvaluationAndKeepsTheBest(@TempDir Path dir) throws Exception {
        double[] scripted = {0.5, 0.7, 0.6, 0.7, 0.65, 0.9};
        AtomicInteger evaluations = new AtomicInteger();
        List<float[]> weightsAtEvaluation = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            TrainingResult result;
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                result = loop(r, opt, manager)
                        .optEvaluator(m -> {
                            weightsAtEvaluation.add(r.weights());
                            return Map.of("accuracy", scripted[evaluations.getAndIncrement()]);
                        }, 2, false)
                        .optEarlyStopping(new EarlyStopping("accuracy", EarlyStopping.Mode.MAX, 3, 0))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters))
                        .build().run(manager);
            }
            // Best 0.7 at evaluation 2 (step 4); 0.6, 0.7 (not better), 0.65 make three without improvement.
            assertEquals(StopReason.EARLY_STOPPING, result.reason());
            assertEquals(5, evaluations.get());
            assertEquals(10, result.steps());
            assertEquals(0.7, result.bestValue());
            assertEquals(4, result.bestStep());

            Regression best = new Regression(manager);
            ModelStore.ofParameters(best.parameters).load(TrainingCheckpoint.find(dir, TrainingCheckpoint.BEST));
            assertArrayEquals(weightsAtEvaluation.get(1), best.weights());
            assertEquals(4, TrainingCheckpoint.readState(dir.resolve(TrainingCheckpoint.BEST)).step());
        }
    }

    @Test
    void timeBudgetStopsAtAStepBoundary(@TempDir Path dir) throws Exception {
        AtomicLong nanos = new AtomicLong();
        long second = Duration.ofSeconds(1).toNanos();
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            TrainingResult result;
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                result = TrainingLoop.<int[]>builder()
                        .setData(batchesOf(BATCH))
                        .setTrainStep((batch, m) -> {
                            nanos.addAndGet(second);
                            return r.loss(batch, m);
                        })
                        .setOptimizer(opt)
                        .setEpochs(EPOCHS)
                        .optMaxDuration(Duration.ofMillis(5500))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters))
                        .clock(nanos::get)
                        .build().run(manager);
            }
            assertEquals(StopReason.TIME_BUDGET, result.reason());
            assertEquals(6, result.steps());
            TrainingCheckpoint.State last = TrainingCheckpoint.readState(dir.resolve(TrainingCheckpoint.LAST));
            assertEquals(6, last.step());
            assertEquals(1, last.epoch());
            assertEquals(0, last.batch());
        }
    }

    @Test
    void twoMicroBatchesEqualOneBatchOfDoubleSize() throws IOException {
        int steps = 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression whole = new Regression(manager);
            Regression halves = new Regression(manager);
            train(whole, batchesOf(2 * BATCH), 1, steps, manager);
            EpochBatches<int[]> split = (epoch, order) -> {
                List<int[]> out = new ArrayList<>();
                for (int[] b : DataOrder.shuffledBatches(Regression.EXAMPLES, 2 * BATCH, order)) {
                    out.add(Arrays.copyOfRange(b, 0, BATCH));
                    out.add(Arrays.copyOfRange(b, BATCH, 2 * BATCH));
                }
                return out;
            };
            train(halves, split, 2, steps, manager);
            assertArrayEquals(whole.weights(), halves.weights(), 1e-6f);
        }
    }

    private static void train(Regression r, EpochBatches<int[]> data, int accumulation, int steps, NDManager manager)
            throws IOException {
        try (Sgd sgd = Sgd.builder().setParameters(r.parameters).setSchedule(LearningRateSchedule.constant(0.1)).build()) {
            TrainingResult result = TrainingLoop.<int[]>builder()
                    .setData(data)
                    .setTrainStep(r::loss)
                    .setOptimizer(sgd)
                    .setEpochs(1)
                    .optAccumulation(accumulation)
                    .optMaxSteps(steps)
                    .build().run(manager);
            assertEquals(steps, result.steps());
        }
    }

    @Test
    void resumeWithoutCheckpointSaysSo(@TempDir Path dir) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                TrainingLoop<int[]> loop = loop(r, opt, manager)
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters)).build();
                CheckpointException e = org.junit.jupiter.api.Assertions.assertThrows(
                        CheckpointException.class, () -> loop.resume(manager));
                assertNotNull(e.file());
            }
        }
    }

    @Test
    void stepsLeaveNoArraysBehind() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertEquals(arraysAfter(manager, 2), arraysAfter(manager, 12));
        }
    }

    /** Arrays alive after {@code steps} steps, counting parameters and optimizer state. */
    private static int arraysAfter(NDManager manager, int steps) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Regression r = new Regression(scope);
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                TrainingLoop.<int[]>builder()
                        .setData(batchesOf(BATCH))
                        .setTrainStep(r::loss)
                        .setOptimizer(opt)
                        .setEpochs(EPOCHS)
                        .optClipNorm(CLIP)
                        .optMaxSteps(steps)
                        .build().run(scope);
                return scope.getManagedArrays().size();
            }
        }
    }
}
