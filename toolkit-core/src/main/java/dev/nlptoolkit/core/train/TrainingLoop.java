package dev.nlptoolkit.core.train;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * A model-agnostic training loop: the task supplies the batches of each epoch, the loss of a batch,
 * the optimizer, and optionally an evaluator, a selection metric, a checkpoint directory and a log.
 *
 * <p>Each optimizer step zeroes the gradients, reseeds the engine from (seed, step), runs
 * {@code accumulation} micro-batches forward and backward with each loss scaled by 1 / (number of
 * micro-batches in the step), clips, and updates. Every micro-batch runs in its own sub-manager of the
 * step's sub-manager of {@code base}, so nothing but parameters and optimizer state survives a step.
 * An accumulation group does not cross an epoch: the last one of an epoch may be smaller.
 *
 * <p>Evaluation runs every {@code evaluateEvery} steps and/or at the end of each epoch, and once more
 * at the last step when the run ends for any reason but early stopping or a {@link StopRequest}; after
 * each, the {@code last} checkpoint is written and, when the selection metric improved, the
 * {@code best} one. Training stops when the epochs are done, at the step limit, when early stopping
 * says so ({@link EarlyStopping}: patience in updates), at the first step boundary after the time
 * budget or a stop request; {@code last} is written then too, with the stop reason. With
 * {@link Builder#optKeepEvaluationCheckpoints} the model of each of the latest K evaluations is kept
 * as well ({@code step-<N>/}), for averaging ({@link CheckpointAveraging}).
 *
 * <p><b>Divergence.</b> A NaN or infinite loss or gradient norm, or weights that became NaN or
 * infinite, stop training with a {@link DivergenceException} naming the step; that step's update is
 * not applied and no checkpoint is written from it, so {@code last} and {@code best} stay as they were.
 *
 * <p><b>Resume.</b> A run resumed from {@code last} continues at the next micro-batch and gives
 * bit-identical results (see {@link TrainingCheckpoint} for why no RNG state needs storing). It first
 * compares what the checkpoint was started with (the loop's seed, epochs, accumulation, clipping,
 * evaluation interval and early stopping, and the task's {@link Builder#optRun} entries:
 * hyper-parameters, data fingerprints) and throws a {@link UserInputException} naming every
 * difference. The budgets (time, step limit), the progress display and anything outside the loop
 * (threads, device) may change. A run that had completed or stopped early returns its result
 * without training.
 *
 * <p><b>Schedule.</b> With a {@link PlannedSchedule} and a time budget, the loop measures the rate
 * over the first {@value #MEASURE_BUDGET_PERCENT}% of the budget (at least {@value #MIN_MEASURED_STEPS}
 * steps) and, when fewer steps than planned fit in the budget, lays the schedule out again over the
 * steps that fit, then stops there ({@link SchedulePlan.Basis#TIME_BUDGET}); the plan is stored in the
 * checkpoint, so a resumed run keeps it.
 *
 * @param <B> the batch description
 */
public final class TrainingLoop<B> {

    private static final double NANOS_PER_SECOND = 1e9;
    /** The share of a time budget spent measuring the step rate before the schedule is fitted to it. */
    static final int MEASURE_BUDGET_PERCENT = 5;
    /** The fewest steps a rate is measured over. */
    static final int MIN_MEASURED_STEPS = 10;
    private static final double PERCENT = 100;

    private final EpochBatches<B> data;
    private final TrainStep<B> trainStep;
    private final Optimizer optimizer;
    private final int epochs;
    private final long seed;
    private final long maxSteps;
    private final int accumulation;
    private final Double clipNorm;
    private final Evaluator evaluator;
    private final long evaluateEvery;
    private final boolean evaluateAtEpochEnd;
    private final EarlyStopping selection;
    private final Path checkpointDir;
    private final ModelStore model;
    private final long checkpointEvery;
    private final int keepEvaluations;
    private final Duration maxDuration;
    private final Path logFile;
    private final ProgressBar progress;
    private final StepListener stepListener;
    private final ToIntFunction<B> examplesPerBatch;
    private final LongSupplier clock;
    private final PlannedSchedule schedule;
    private final StopRequest stopRequest;
    private final Map<String, String> run;

    private TrainingLoop(Builder<B> b) {
        this.data = b.data;
        this.trainStep = b.trainStep;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.seed = b.seed;
        this.maxSteps = b.maxSteps;
        this.accumulation = b.accumulation;
        this.clipNorm = b.clipNorm;
        this.evaluator = b.evaluator;
        this.evaluateEvery = b.evaluateEvery;
        this.evaluateAtEpochEnd = b.evaluateAtEpochEnd;
        this.selection = b.selection;
        this.checkpointDir = b.checkpointDir;
        this.model = b.model;
        this.checkpointEvery = b.checkpointEvery;
        this.keepEvaluations = b.keepEvaluations;
        this.maxDuration = b.maxDuration;
        this.logFile = b.logFile;
        this.progress = b.progress;
        this.stepListener = b.stepListener;
        this.examplesPerBatch = b.examplesPerBatch;
        this.clock = b.clock;
        this.schedule = b.schedule;
        this.stopRequest = b.stopRequest;
        this.run = runFingerprint(b);
    }

    public static <B> Builder<B> builder() {
        return new Builder<>();
    }

    /** What a resumed run must match: the loop's own settings and the task's entries. */
    private static Map<String, String> runFingerprint(Builder<?> b) {
        Map<String, String> run = new TreeMap<>(b.run);
        run.put("seed", Long.toString(b.seed));
        run.put("epochs", Integer.toString(b.epochs));
        run.put("gradient_accumulation", Integer.toString(b.accumulation));
        run.put("clip_norm", String.valueOf(b.clipNorm));
        run.put("evaluate_every", b.evaluator == null ? "none" : b.evaluateEvery + (b.evaluateAtEpochEnd
                ? " and epoch ends" : ""));
        run.put("early_stopping", b.selection == null ? "none" : b.selection.metric() + " " + b.selection.mode()
                + ", patience " + b.selection.patienceSteps() + " updates, min delta " + b.selection.minDelta());
        return run;
    }

    /** Trains from the start (the optimizer's step count must be 0). */
    public TrainingResult run(NDManager base) throws IOException {
        if (optimizer.stepCount() != 0) {
            throw new IllegalStateException("the optimizer has already taken " + optimizer.stepCount()
                    + " steps: build a fresh one, or call resume(...) to continue a run");
        }
        if (checkpointDir != null) {
            TrainingCheckpoint.recover(checkpointDir);
        }
        SchedulePlan plan = new SchedulePlan(plannedSteps(),
                maxDuration != null && schedule != null ? SchedulePlan.Basis.MEASURING : SchedulePlan.Basis.EPOCHS, 0);
        return new Run(base, TrainingCheckpoint.State.start(plan, run), 0).train();
    }

    /**
     * Restores model, optimizer and position from the {@code last} checkpoint and continues with the
     * next micro-batch.
     *
     * @throws UserInputException when the checkpoint was started with other settings or data
     */
    public TrainingResult resume(NDManager base) throws IOException, CheckpointException {
        if (checkpointDir == null) {
            throw new IllegalStateException("no checkpoint directory to resume from: set optCheckpoints(dir, model)");
        }
        TrainingCheckpoint.recover(checkpointDir);
        Path dir = TrainingCheckpoint.find(checkpointDir, TrainingCheckpoint.LAST);
        if (dir == null) {
            throw new CheckpointException(checkpointDir.resolve(TrainingCheckpoint.LAST), "no checkpoint to resume from");
        }
        requireSameRun(dir, TrainingCheckpoint.readState(dir).run());
        TrainingCheckpoint.State state = TrainingCheckpoint.restore(dir, model, optimizer);
        if (schedule != null) {
            schedule.plan(state.plan().steps());
        }
        if (state.stopReason() != null && state.stopReason().isFinal()) {
            return new TrainingResult(state.step(), state.stopReason(), state.bestValue(), state.bestStep(), Map.of(),
                    state.plan());
        }
        return new Run(base, state, state.step()).train();
    }

    private void requireSameRun(Path dir, Map<String, String> saved) {
        List<String> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>(saved.keySet());
        keys.addAll(run.keySet());
        for (String key : keys) {
            String was = saved.get(key);
            String now = run.get(key);
            if (!Objects.equals(was, now)) {
                differences.add(key + " was " + (was == null ? "not set" : was) + ", now "
                        + (now == null ? "not set" : now));
            }
        }
        if (!differences.isEmpty()) {
            throw new UserInputException("cannot resume from " + dir + ": the run differs from the one it was"
                    + " started with: " + String.join("; ", differences) + ". Resume with the same settings and data"
                    + " (only the time and step budgets, threads, device and progress display may change), or train anew");
        }
    }

    private long plannedSteps() {
        return schedule != null ? schedule.steps() : 1;
    }

    /** The mutable state of one call to run or resume. */
    private final class Run {
        private final NDManager base;
        private final long startNanos;
        private final long startStep;
        private final Collection<Parameter> parameters = optimizer.parameters().values();
        private long step;
        private int epoch;
        private int batch;
        private Double bestValue;
        private long bestStep;
        private long lastEvaluationStep;
        private Map<String, Double> lastMetrics = Map.of();
        private double lossSinceEvaluation;
        private int stepsSinceEvaluation;
        private SchedulePlan plan;
        private double lastLr;
        private long lastSavedStep;
        private double epochProgress;

        Run(NDManager base, TrainingCheckpoint.State from, long lastSavedStep) {
            this.base = base;
            this.startNanos = clock.getAsLong();
            this.step = from.step();
            this.startStep = from.step();
            this.epoch = from.epoch();
            this.batch = from.batch();
            this.bestValue = from.bestValue();
            this.bestStep = from.bestStep();
            this.lastEvaluationStep = from.lastEvaluationStep();
            this.lossSinceEvaluation = from.lossSinceEvaluation();
            this.stepsSinceEvaluation = from.stepsSinceEvaluation();
            this.plan = from.plan();
            this.lastSavedStep = lastSavedStep;
            this.epochProgress = from.epoch();
        }

        TrainingResult train() throws IOException {
            StopReason reason = null;
            try (TrainingLog log = logFile == null ? null : TrainingLog.continueAt(logFile, step)) {
                boolean progressStarted = false;
                while (epoch < epochs && reason == null) {
                    List<B> batches = data.batches(epoch, DataOrder.forEpoch(seed, epoch));
                    if (batches.isEmpty()) {
                        throw new IllegalStateException("epoch " + epoch + " has no batches");
                    }
                    if (batch >= batches.size()) {
                        throw new IllegalStateException("epoch " + epoch + " has " + batches.size()
                                + " batches, but the run stands at batch " + batch);
                    }
                    if (!progressStarted && progress != null) {
                        long perEpoch = (batches.size() + accumulation - 1) / accumulation;
                        progress.start(progressTotal(perEpoch), step);
                        progressStarted = true;
                    }
                    int size = batches.size();
                    boolean epochDone = false;
                    while (!epochDone && reason == null) {
                        reason = limitReached();
                        if (reason != null) {
                            break;
                        }
                        List<B> group = batches.subList(batch, Math.min(size, batch + accumulation));
                        long stepStart = clock.getAsLong();
                        double loss = optimizerStep(group);
                        long stepNanos = clock.getAsLong() - stepStart;
                        batch += group.size();
                        step++;
                        lossSinceEvaluation += loss;
                        stepsSinceEvaluation++;
                        if (progress != null) {
                            progress.update(step, loss, group.stream().mapToLong(examplesPerBatch::applyAsInt).sum());
                        }
                        if (stepListener != null) {
                            stepListener.afterStep(step, loss, stepNanos);
                        }
                        epochProgress = epoch + (double) batch / size;
                        epochDone = batch == size;
                        if (epochDone) {
                            epoch++;
                            batch = 0;
                        }
                        if (fitScheduleToBudget() && progress != null) {
                            progress.retotal(Math.min(maxSteps, plan.steps()));
                        }
                        boolean evaluate = evaluator != null
                                && ((evaluateEvery > 0 && step % evaluateEvery == 0) || (epochDone && evaluateAtEpochEnd));
                        if (evaluate) {
                            if (evaluate(log, epochProgress)) {
                                reason = StopReason.EARLY_STOPPING;
                            }
                            saveLast(null);
                        } else if (checkpointEvery > 0 && step % checkpointEvery == 0) {
                            saveLast(null);
                        }
                    }
                }
                if (reason == null) {
                    reason = StopReason.COMPLETED;
                }
                boolean finalEvaluation = reason != StopReason.EARLY_STOPPING && reason != StopReason.INTERRUPTED;
                if (evaluator != null && finalEvaluation && lastEvaluationStep != step) {
                    evaluate(log, epochProgress);
                }
            } finally {
                if (progress != null) {
                    progress.finish();
                }
            }
            saveLast(reason);
            return new TrainingResult(step, reason, bestValue, bestStep, lastMetrics, plan);
        }

        private long progressTotal(long perEpoch) {
            long byEpochs = perEpoch * epochs;
            long planned = plan.basis() == SchedulePlan.Basis.TIME_BUDGET ? plan.steps() : byEpochs;
            return Math.min(maxSteps, Math.min(byEpochs, planned));
        }

        private StopReason limitReached() {
            if (step >= maxSteps) {
                return StopReason.STEP_LIMIT;
            }
            if (plan.basis() == SchedulePlan.Basis.TIME_BUDGET && step >= plan.steps()) {
                return StopReason.COMPLETED;
            }
            if (stopRequest != null && stopRequest.requested()) {
                return StopReason.INTERRUPTED;
            }
            if (maxDuration != null && clock.getAsLong() - startNanos >= maxDuration.toNanos()) {
                return StopReason.TIME_BUDGET;
            }
            return null;
        }

        /**
         * Once the first part of the time budget is spent, lays the schedule out over the steps that
         * fit in the whole budget at the rate measured so far (this call's steps and time, evaluations
         * included); returns whether the plan changed.
         */
        private boolean fitScheduleToBudget() {
            if (plan.basis() != SchedulePlan.Basis.MEASURING) {
                return false;
            }
            long elapsed = clock.getAsLong() - startNanos;
            long measured = step - startStep;
            if (measured < MIN_MEASURED_STEPS || elapsed * PERCENT < maxDuration.toNanos() * MEASURE_BUDGET_PERCENT) {
                return false;
            }
            double stepsPerSecond = measured * NANOS_PER_SECOND / elapsed;
            long fitting = step + (long) Math.floor((maxDuration.toNanos() - elapsed) / NANOS_PER_SECOND
                    * stepsPerSecond);
            if (fitting < plan.steps()) {
                plan = new SchedulePlan(Math.max(fitting, step + 1), SchedulePlan.Basis.TIME_BUDGET, stepsPerSecond);
                schedule.plan(plan.steps());
            } else {
                plan = new SchedulePlan(plan.steps(), SchedulePlan.Basis.EPOCHS, stepsPerSecond);
            }
            return true;
        }

        /** One optimizer step over {@code group}; returns the mean unscaled loss of its micro-batches. */
        private double optimizerStep(List<B> group) {
            Gradients.zero(parameters);
            // Dropout masks depend on (seed, step) only, so a resumed run draws the same ones.
            Engine.getInstance().setRandomSeed(DataOrder.stepSeed(seed, step));
            float scale = 1f / group.size();
            double lossSum = 0;
            try (NDManager stepManager = base.newSubManager()) {
                for (B microBatch : group) {
                    try (NDManager micro = stepManager.newSubManager();
                            GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = trainStep.loss(microBatch, micro);
                        float value = loss.getFloat();
                        if (!Float.isFinite(value)) {
                            throw diverged(step + 1, new NonFiniteException("loss", value));
                        }
                        lossSum += value;
                        collector.backward(NativeArrays.mul(loss, scale));
                    }
                }
                try {
                    if (clipNorm != null) {
                        GradientClipping.clipByGlobalNorm(parameters, clipNorm);
                    } else {
                        double norm = GradientClipping.globalNorm(parameters);
                        if (!Double.isFinite(norm)) {
                            throw new NonFiniteException("gradient norm", norm);
                        }
                    }
                } catch (NonFiniteException e) {
                    throw diverged(step + 1, e);
                }
                lastLr = optimizer.learningRate();
                optimizer.step();
            }
            return lossSum / group.size();
        }

        /** Training cannot go on: names the step that was refused and the checkpoint that is kept. */
        private DivergenceException diverged(long refused, NonFiniteException cause) {
            String kept = checkpointDir == null ? "no checkpoint is written"
                    : lastSavedStep > 0 ? "the checkpoint of step " + lastSavedStep + " in "
                            + checkpointDir.resolve(TrainingCheckpoint.LAST) + " is kept"
                    : "no checkpoint had been written yet";
            return new DivergenceException(refused, "training diverged at step " + refused + ": the "
                    + cause.getMessage() + "; nothing from this step was saved and " + kept
                    + ". Lower the learning rate, clip gradients, or look for bad rows in the data", cause);
        }

        /** Weights that went NaN or infinite are never evaluated or saved. */
        private void requireFiniteWeights() {
            for (Map.Entry<String, Parameter> e : optimizer.parameters().entrySet()) {
                NDArray w = e.getValue().getArray();
                try (NDArray bad = w.isNaN().logicalOr(w.isInfinite()).any()) {
                    if (bad.getBoolean()) {
                        throw diverged(step, new NonFiniteException("weight " + e.getKey(), Double.NaN));
                    }
                }
            }
        }

        /** Evaluates, logs and keeps the best model; returns whether early stopping says stop. */
        private boolean evaluate(TrainingLog log, double epochProgress) throws IOException {
            requireFiniteWeights();
            Map<String, Double> metrics;
            try (NDManager scope = base.newSubManager()) {
                metrics = Map.copyOf(evaluator.evaluate(scope));
            }
            lastMetrics = metrics;
            lastEvaluationStep = step;
            boolean stop = false;
            if (selection != null) {
                Double value = metrics.get(selection.metric());
                if (value == null) {
                    throw new IllegalStateException("the evaluator returned no '" + selection.metric()
                            + "' to select on, only " + metrics.keySet());
                }
                if (selection.improves(value, bestValue)) {
                    bestValue = value;
                    bestStep = step;
                    if (checkpointDir != null) {
                        TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.BEST, state(null), model, null);
                    }
                } else {
                    stop = selection.exhausted(step, bestStep);
                }
            }
            if (keepEvaluations > 0) {
                TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.stepSlot(step), state(null), model, null);
                TrainingCheckpoint.keepLatestSteps(checkpointDir, keepEvaluations);
            }
            if (log != null) {
                double elapsed = (clock.getAsLong() - startNanos) / NANOS_PER_SECOND;
                double trainLoss = stepsSinceEvaluation == 0 ? Double.NaN : lossSinceEvaluation / stepsSinceEvaluation;
                log.write(step, epochProgress, lastLr, trainLoss, elapsed, metrics);
            }
            lossSinceEvaluation = 0;
            stepsSinceEvaluation = 0;
            return stop;
        }

        private void saveLast(StopReason reason) throws IOException {
            if (checkpointDir != null) {
                requireFiniteWeights();
                TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.LAST, state(reason), model, optimizer);
                lastSavedStep = step;
            }
        }

        private TrainingCheckpoint.State state(StopReason reason) {
            return new TrainingCheckpoint.State(step, epoch, batch, bestValue, bestStep, lastEvaluationStep,
                    lossSinceEvaluation, stepsSinceEvaluation, plan, reason, run);
        }
    }

    /** Builds a {@link TrainingLoop}: data, train step, optimizer and epochs are required. */
    public static final class Builder<B> {
        private EpochBatches<B> data;
        private TrainStep<B> trainStep;
        private Optimizer optimizer;
        private int epochs;
        private long seed;
        private long maxSteps = Long.MAX_VALUE;
        private int accumulation = 1;
        private Double clipNorm;
        private Evaluator evaluator;
        private long evaluateEvery;
        private boolean evaluateAtEpochEnd;
        private EarlyStopping selection;
        private Path checkpointDir;
        private ModelStore model;
        private long checkpointEvery;
        private int keepEvaluations;
        private Duration maxDuration;
        private Path logFile;
        private ProgressBar progress;
        private StepListener stepListener;
        private ToIntFunction<B> examplesPerBatch = b -> 1;
        private LongSupplier clock = System::nanoTime;
        private PlannedSchedule schedule;
        private StopRequest stopRequest;
        private final Map<String, String> run = new TreeMap<>();

        private Builder() {}

        public Builder<B> setData(EpochBatches<B> data) {
            this.data = data;
            return this;
        }

        public Builder<B> setTrainStep(TrainStep<B> trainStep) {
            this.trainStep = trainStep;
            return this;
        }

        public Builder<B> setOptimizer(Optimizer optimizer) {
            this.optimizer = optimizer;
            return this;
        }

        public Builder<B> setEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Seeds the data order and the engine (dropout); default 0. */
        public Builder<B> optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Stops after this many optimizer steps in total; default no limit. */
        public Builder<B> optMaxSteps(long maxSteps) {
            this.maxSteps = maxSteps;
            return this;
        }

        /** Micro-batches per optimizer step; default 1. */
        public Builder<B> optAccumulation(int microBatches) {
            this.accumulation = microBatches;
            return this;
        }

        /** Clips the joint gradient norm to {@code maxNorm} before each update; default no clipping. */
        public Builder<B> optClipNorm(double maxNorm) {
            this.clipNorm = maxNorm;
            return this;
        }

        /**
         * Evaluates every {@code everySteps} optimizer steps (0: never by step count) and, when
         * {@code atEpochEnd}, after each epoch; default no evaluation.
         */
        public Builder<B> optEvaluator(Evaluator evaluator, long everySteps, boolean atEpochEnd) {
            this.evaluator = evaluator;
            this.evaluateEvery = everySteps;
            this.evaluateAtEpochEnd = atEpochEnd;
            return this;
        }

        /** Selects the best checkpoint and stops early by this metric; default none. */
        public Builder<B> optEarlyStopping(EarlyStopping selection) {
            this.selection = selection;
            return this;
        }

        /** Writes {@code last/} and {@code best/} checkpoints under {@code dir}; default none. */
        public Builder<B> optCheckpoints(Path dir, ModelStore model) {
            this.checkpointDir = dir;
            this.model = model;
            return this;
        }

        /** Also writes {@code last/} every this many steps; default 0: only at evaluations and the end. */
        public Builder<B> optCheckpointEvery(long steps) {
            this.checkpointEvery = steps;
            return this;
        }

        /**
         * Also keeps the model of each of the latest {@code k} evaluations in {@code step-<N>/}, for
         * averaging at the end; default 0: none.
         */
        public Builder<B> optKeepEvaluationCheckpoints(int k) {
            this.keepEvaluations = k;
            return this;
        }

        /** Stops at the first step boundary after this much time (per call of run/resume); default none. */
        public Builder<B> optMaxDuration(Duration maxDuration) {
            this.maxDuration = maxDuration;
            return this;
        }

        /** Appends one JSON line per evaluation to {@code file} ({@link TrainingLog}); default none. */
        public Builder<B> optLog(Path file) {
            this.logFile = file;
            return this;
        }

        /** Shows progress, e.g. {@link ProgressBar#toStderr()}; default none. */
        public Builder<B> optProgress(ProgressBar progress) {
            this.progress = progress;
            return this;
        }

        /** Called after every optimizer step with its loss and wall time; default none. */
        public Builder<B> optStepListener(StepListener listener) {
            this.stepListener = listener;
            return this;
        }

        /** Counts the examples of a batch for the progress bar's rate; default 1 per batch. */
        public Builder<B> optExamplesPerBatch(ToIntFunction<B> examplesPerBatch) {
            this.examplesPerBatch = examplesPerBatch;
            return this;
        }

        /**
         * The optimizer's schedule, when it is a {@link PlannedSchedule}: its step count is stored with
         * the checkpoint and, with {@link #optMaxDuration}, fitted to the budget; default none.
         */
        public Builder<B> optPlannedSchedule(PlannedSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Stops at the next step boundary, with a checkpoint, once {@code request} is set; default none. */
        public Builder<B> optStopRequest(StopRequest request) {
            this.stopRequest = request;
            return this;
        }

        /**
         * What else a resumed run must match, by name: hyper-parameters the loop does not see, and
         * fingerprints of the data (e.g. {@code "train.sha256"}). Names should be those a user knows.
         */
        public Builder<B> optRun(Map<String, String> entries) {
            this.run.putAll(entries);
            return this;
        }

        /** The time source for the budget, the log and the progress; tests pass a fake one. */
        Builder<B> clock(LongSupplier nanoClock) {
            this.clock = nanoClock;
            return this;
        }

        public TrainingLoop<B> build() {
            if (data == null || trainStep == null || optimizer == null) {
                throw new IllegalArgumentException("data, train step and optimizer are required: call setData, "
                        + "setTrainStep and setOptimizer");
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be at least 1, got " + epochs + ": call setEpochs");
            }
            if (maxSteps < 1 || accumulation < 1) {
                throw new IllegalArgumentException("max steps and accumulation must be at least 1, got "
                        + maxSteps + " and " + accumulation);
            }
            if (clipNorm != null && !(clipNorm > 0)) {
                throw new IllegalArgumentException("clip norm must be positive, got " + clipNorm);
            }
            if (evaluator != null && evaluateEvery <= 0 && !evaluateAtEpochEnd) {
                throw new IllegalArgumentException("the evaluator never runs: give everySteps > 0 or atEpochEnd = true");
            }
            if (selection != null && evaluator == null) {
                throw new IllegalArgumentException("early stopping needs an evaluator: call optEvaluator");
            }
            if ((checkpointDir == null) != (model == null)) {
                throw new IllegalArgumentException("checkpoints need both a directory and a model store");
            }
            if (checkpointEvery < 0 || checkpointEvery > 0 && checkpointDir == null) {
                throw new IllegalArgumentException("checkpointEvery needs optCheckpoints and must be >= 0");
            }
            if (keepEvaluations < 0 || keepEvaluations > 0 && (checkpointDir == null || evaluator == null)) {
                throw new IllegalArgumentException("keeping evaluation checkpoints needs optCheckpoints and"
                        + " optEvaluator, and a count >= 0, got " + keepEvaluations);
            }
            if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
                throw new IllegalArgumentException("max duration must be positive, got " + maxDuration);
            }
            return new TrainingLoop<>(this);
        }
    }
}
