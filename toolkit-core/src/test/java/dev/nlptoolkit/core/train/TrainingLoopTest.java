package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.UserInputException;
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
                        .optLog(dir.resolve("a.jsonl"))
                        .build().run(manager);
            }
            assertEquals(TOTAL_STEPS, full.steps());
            assertEquals(StopReason.STEP_LIMIT, full.reason());
            assertTrue(straight.mse(manager) < before / 2, "training should reduce the loss");

            Path split = dir.resolve("b");
            Regression first = new Regression(manager);
            try (AdamW opt = first.adamW(TOTAL_STEPS); StopRequest stop = StopRequest.manual()) {
                AtomicInteger calls = new AtomicInteger();
                TrainingResult half = loop(first, opt, manager).optMaxSteps(TOTAL_STEPS)
                        .setTrainStep((batch, m) -> {
                            if (calls.incrementAndGet() == HALF) {
                                stop.request();
                            }
                            return first.loss(batch, m);
                        })
                        .optStopRequest(stop)
                        .optCheckpoints(split, ModelStore.ofParameters(first.parameters))
                        .optLog(split.resolve("log.jsonl"))
                        .build().run(manager);
                assertEquals(HALF, half.steps());
                assertEquals(StopReason.INTERRUPTED, half.reason());
            }
            TrainingCheckpoint.State saved = TrainingCheckpoint.readState(split.resolve(TrainingCheckpoint.LAST));
            // 6 batches per epoch: step 10 stops after batch 4 of epoch 1; steps 9 and 10 since the evaluation at 8.
            assertEquals(List.of(HALF, 1L, 4L, 8L, 2L), List.of(saved.step(), (long) saved.epoch(), (long) saved.batch(),
                    saved.lastEvaluationStep(), (long) saved.stepsSinceEvaluation()));
            assertEquals(StopReason.INTERRUPTED, saved.stopReason());
            assertEquals(Long.toString(SEED), saved.run().get("seed"));

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

            // Evaluations at steps 4, 6 (epoch end), 8, 12 (and epoch end), 16, 18 (epoch end), 20; none at
            // the interruption. The running loss average survives it: the logs are equal but for the time.
            List<String> lines = Files.readAllLines(split.resolve("log.jsonl"));
            long[] steps = lines.stream().mapToLong(l -> JsonParser.parseString(l).getAsJsonObject().get("step").getAsLong())
                    .toArray();
            assertArrayEquals(new long[] {4, 6, 8, 12, 16, 18, 20}, steps);
            assertEquals(withoutTime(Files.readAllLines(dir.resolve("a.jsonl"))), withoutTime(lines));
            JsonObject last = JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
            assertEquals(straight.mse(manager), last.getAsJsonObject("metrics").get("mse").getAsDouble(), 1e-6);
            assertTrue(last.has("lr") && last.has("epoch") && last.has("elapsed_s") && last.has("train_loss"));
        }
    }

    private static List<String> withoutTime(List<String> lines) {
        return lines.stream().map(l -> {
            JsonObject o = JsonParser.parseString(l).getAsJsonObject();
            o.remove("elapsed_s");
            return o.toString();
        }).toList();
    }

    @Test
    void resumeNamesEverySettingThatDiffers(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                loop(r, opt, manager).optMaxSteps(HALF).optRun(Map.of("batch_size", "4", "train.sha256", "abc"))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters)).build().run(manager);
            }
            Regression again = new Regression(manager);
            try (AdamW opt = again.adamW(TOTAL_STEPS)) {
                TrainingLoop<int[]> changed = loop(again, opt, manager).optMaxSteps(HALF).setEpochs(EPOCHS + 1)
                        .optRun(Map.of("batch_size", "8", "train.sha256", "abc"))
                        .optCheckpoints(dir, ModelStore.ofParameters(again.parameters)).build();
                UserInputException e = assertThrows(UserInputException.class, () -> changed.resume(manager));
                assertTrue(e.getMessage().contains("batch_size was 4, now 8"), e.getMessage());
                assertTrue(e.getMessage().contains("epochs was 4, now 5"), e.getMessage());
                assertFalse(e.getMessage().contains("train.sha256"), e.getMessage());
                assertEquals(0, opt.stepCount());
            }
        }
    }

    @Test
    void resumingAnEarlyStoppedRunDoesNotTrainAgain(@TempDir Path dir) throws Exception {
        double[] scripted = {0.5, 0.4, 0.3};
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            AtomicInteger evaluations = new AtomicInteger();
            Evaluator evaluator = m -> Map.of("accuracy", scripted[Math.min(2, evaluations.getAndIncrement())]);
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                TrainingResult result = loop(r, opt, manager).optEvaluator(evaluator, 2, false)
                        .optEarlyStopping(new EarlyStopping("accuracy", EarlyStopping.Mode.MAX, 4, 0))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters)).build().run(manager);
                assertEquals(StopReason.EARLY_STOPPING, result.reason());
                assertEquals(6, result.steps());
            }
            Regression again = new Regression(manager);
            AtomicInteger steps = new AtomicInteger();
            try (AdamW opt = again.adamW(TOTAL_STEPS)) {
                TrainingResult resumed = loop(again, opt, manager).optEvaluator(evaluator, 2, false)
                        .setTrainStep((b, m) -> {
                            steps.incrementAndGet();
                            return again.loss(b, m);
                        })
                        .optEarlyStopping(new EarlyStopping("accuracy", EarlyStopping.Mode.MAX, 4, 0))
                        .optCheckpoints(dir, ModelStore.ofParameters(again.parameters)).build().resume(manager);
                assertEquals(StopReason.EARLY_STOPPING, resumed.reason());
                assertEquals(6, resumed.steps());
                assertEquals(0.5, resumed.bestValue());
            }
            assertEquals(0, steps.get());
            assertArrayEquals(r.weights(), again.weights());
        }
    }

    @Test
    void aNanLossStopsTrainingNamingTheStepAndKeepsTheLastGoodCheckpoint(@TempDir Path dir) throws Exception {
        assertDivergesAtStep7(dir, (r, batch, m) -> r.loss(batch, m).mul(Float.NaN), "the loss is NaN");
    }

    @Test
    void anInfiniteGradientStopsTrainingToo(@TempDir Path dir) throws Exception {
        // sqrt has an infinite derivative at 0: the loss stays finite, the gradient norm does not.
        assertDivergesAtStep7(dir, (r, batch, m) -> r.loss(batch, m)
                .add(r.parameters.get("bias").getArray().mul(0).sqrt().sum()), "the gradient norm is");
    }

    /** A train step that goes wrong when asked to. */
    private interface BadStep {
        ai.djl.ndarray.NDArray loss(Regression r, int[] batch, NDManager manager);
    }

    private static void assertDivergesAtStep7(Path dir, BadStep bad, String what) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            AtomicInteger calls = new AtomicInteger();
            float[][] atCheckpoint = new float[1][];
            try (AdamW opt = r.adamW(TOTAL_STEPS)) {
                TrainingLoop<int[]> diverging = loop(r, opt, manager)
                        .setTrainStep((batch, m) -> calls.incrementAndGet() == 7 ? bad.loss(r, batch, m) : r.loss(batch, m))
                        .optEvaluator(m -> {
                            atCheckpoint[0] = r.weights();
                            return Map.of("mse", r.mse(m));
                        }, 4, false)
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters)).build();
                DivergenceException e = assertThrows(DivergenceException.class, () -> diverging.run(manager));
                assertEquals(7, e.step());
                assertTrue(e.getMessage().contains("step 7") && e.getMessage().contains(what)
                        && e.getMessage().contains("checkpoint of step 4"), e.getMessage());
                assertEquals(6, opt.stepCount());
            }
            TrainingCheckpoint.State last = TrainingCheckpoint.readState(dir.resolve(TrainingCheckpoint.LAST));
            assertEquals(4, last.step());
            Regression reloaded = new Regression(manager);
            ModelStore.ofParameters(reloaded.parameters).load(dir.resolve(TrainingCheckpoint.LAST));
            assertArrayEquals(atCheckpoint[0], reloaded.weights());
            for (float w : r.weights()) {
                assertTrue(Float.isFinite(w), "the refused update must not reach the weights");
            }
        }
    }

    @Test
    void aTimeBudgetLaysTheScheduleOutOverTheStepsThatFit(@TempDir Path dir) throws Exception {
        AtomicLong nanos = new AtomicLong();
        long second = Duration.ofSeconds(1).toNanos();
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            // 1,000 planned steps; 1 s per step and 100 s of budget fit 100.
            PlannedSchedule schedule = new PlannedSchedule(
                    total -> LearningRateSchedule.linearWarmupThenDecay(0.01, total / 10, total), 1000);
            TrainingResult result;
            try (AdamW opt = AdamW.builder().setParameters(r.parameters).setSchedule(schedule).build()) {
                result = TrainingLoop.<int[]>builder()
                        .setData(batchesOf(BATCH))
                        .setTrainStep((batch, m) -> {
                            nanos.addAndGet(second);
                            return r.loss(batch, m);
                        })
                        .setOptimizer(opt)
                        .setEpochs(1000)
                        .optPlannedSchedule(schedule)
                        .optMaxDuration(Duration.ofSeconds(100))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters))
                        .clock(nanos::get)
                        .build().run(manager);
                // Measured over the first 10 steps (5 s of budget is fewer): 1 step/s, 10 + 90 steps fit.
                assertEquals(new SchedulePlan(100, SchedulePlan.Basis.TIME_BUDGET, 1.0), result.plan());
                assertEquals(100, schedule.steps());
                assertEquals(0.0, schedule.lr(100));
                assertEquals(0.01 * 45 / 90, schedule.lr(55), 1e-12);
            }
            assertEquals(StopReason.COMPLETED, result.reason());
            assertEquals(100, result.steps());
            assertEquals(result.plan(), TrainingCheckpoint.readState(dir.resolve(TrainingCheckpoint.LAST)).plan());
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
                        .optEarlyStopping(new EarlyStopping("accuracy", EarlyStopping.Mode.MAX, 6, 0))
                        .optCheckpoints(dir, ModelStore.ofParameters(r.parameters))
                        .build().run(manager);
            }
            // Best 0.7 at evaluation 2 (step 4); 0.6, 0.7 (not better), 0.65 at step 10: 6 updates without improvement.
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
