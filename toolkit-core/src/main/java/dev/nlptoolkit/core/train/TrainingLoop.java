package dev.nlptoolkit.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * <p>Evaluation runs every {@code evaluateEvery} steps and/or at the end of each epoch; after each,
 * the {@code last} checkpoint is written and, when the selection metric improved, the {@code best}
 * one. Training stops when the epochs are done, at the step limit, when early stopping says so, or
 * at the first step boundary after the time budget; {@code last} is written then too. With
 * {@link Builder#optKeepEvaluationCheckpoints} the model of each of the latest K evaluations is kept
 * as well ({@code step-<N>/}), for averaging ({@link CheckpointAveraging}). A run resumed
 * from {@code last} continues at the next micro-batch and gives bit-identical results: see
 * {@link TrainingCheckpoint} for why no RNG state needs storing.
 *
 * @param <B> the batch description
 */
public final class TrainingLoop<B> {

    private static final double NANOS_PER_SECOND = 1e9;

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
    private final ToIntFunction<B> examplesPerBatch;
    private final LongSupplier clock;

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
        this.examplesPerBatch = b.examplesPerBatch;
        this.clock = b.clock;
    }

    public static <B> Builder<B> builder() {
        return new Builder<>();
    }

    /** Trains from the start (the optimizer's step count must be 0). */
    public TrainingResult run(NDManager base) throws IOException {
        if (optimizer.stepCount() != 0) {
            throw new IllegalStateException("the optimizer has already taken " + optimizer.stepCount()
                    + " steps: build a fresh one, or call resume(...) to continue a run");
        }
        return new Run(base, TrainingCheckpoint.State.start(seed)).train();
    }

    /**
     * Restores model, optimizer and position from the {@code last} checkpoint and continues with the
     * next micro-batch.
     */
    public TrainingResult resume(NDManager base) throws IOException, CheckpointException {
        if (checkpointDir == null) {
            throw new IllegalStateException("no checkpoint directory to resume from: set optCheckpoints(dir, model)");
        }
        Path dir = TrainingCheckpoint.find(checkpointDir, TrainingCheckpoint.LAST);
        if (dir == null) {
            throw new CheckpointException(checkpointDir.resolve(TrainingCheckpoint.LAST), "no checkpoint to resume from");
        }
        TrainingCheckpoint.State state = TrainingCheckpoint.restore(dir, model, optimizer);
        if (state.seed() != seed) {
            throw new CheckpointException(dir, "was trained with seed " + state.seed() + " but this loop has seed "
                    + seed + "; resume with the same seed so the data order matches");
        }
        return new Run(base, state).train();
    }

    /** The mutable state of one call to run or resume. */
    private final class Run {
        private final NDManager base;
        private final long startNanos;
        private final Collection<Parameter> parameters = optimizer.parameters().values();
        private long step;
        private int epoch;
        private int batch;
        private Double bestValue;
        private long bestStep;
        private int evaluationsWithoutImprovement;
        private Map<String, Double> lastMetrics = Map.of();
        private double lossSinceEvaluation;
        private int stepsSinceEvaluation;
        private double lastLr;
        private long lastSavedStep = -1;

        Run(NDManager base, TrainingCheckpoint.State from) {
            this.base = base;
            this.startNanos = clock.getAsLong();
            this.step = from.step();
            this.epoch = from.epoch();
            this.batch = from.batch();
            this.bestValue = from.bestValue();
            this.bestStep = from.bestStep();
            this.evaluationsWithoutImprovement = from.evaluationsWithoutImprovement();
        }

        TrainingResult train() throws IOException {
            StopReason reason = null;
            try (TrainingLog log = logFile == null ? null : TrainingLog.open(logFile)) {
                boolean progressStarted = false;
                while (epoch < epochs && reason == null) {
                    List<B> batches = data.batches(epoch, DataOrder.forEpoch(seed, epoch));
                    if (batches.isEmpty()) {
                        throw new IllegalStateException("epoch " + epoch + " has no batches");
                    }
                    if (!progressStarted && progress != null) {
                        long perEpoch = (batches.size() + accumulation - 1) / accumulation;
                        progress.start(Math.min(maxSteps, perEpoch * epochs), step);
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
                        double loss = optimizerStep(group);
                        batch += group.size();
                        step++;
                        lossSinceEvaluation += loss;
                        stepsSinceEvaluation++;
                        if (progress != null) {
                            progress.update(step, loss, group.stream().mapToLong(examplesPerBatch::applyAsInt).sum());
                        }
                        double epochProgress = epoch + (double) batch / size;
                        epochDone = batch == size;
                        if (epochDone) {
                            epoch++;
                            batch = 0;
                        }
                        boolean evaluate = evaluator != null
                                && ((evaluateEvery > 0 && step % evaluateEvery == 0) || (epochDone && evaluateAtEpochEnd));
                        if (evaluate) {
                            if (evaluate(log, epochProgress)) {
                                reason = StopReason.EARLY_STOPPING;
                            }
                            saveLast();
                        } else if (checkpointEvery > 0 && step % checkpointEvery == 0) {
                            saveLast();
                        }
                    }
                }
            } finally {
                if (progress != null) {
                    progress.finish();
                }
            }
            if (lastSavedStep != step) {
                saveLast();
            }
            return new TrainingResult(step, reason == null ? StopReason.COMPLETED : reason, bestValue, bestStep,
                    lastMetrics);
        }

        private StopReason limitReached() {
            if (step >= maxSteps) {
                return StopReason.STEP_LIMIT;
            }
            if (maxDuration != null && clock.getAsLong() - startNanos >= maxDuration.toNanos()) {
                return StopReason.TIME_BUDGET;
            }
            return null;
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
                        lossSum += loss.getFloat();
                        collector.backward(loss.mul(scale));
                    }
                }
                if (clipNorm != null) {
                    GradientClipping.clipByGlobalNorm(parameters, clipNorm);
                }
                lastLr = optimizer.learningRate();
                optimizer.step();
            }
            return lossSum / group.size();
        }

        /** Evaluates, logs and keeps the best model; returns whether early stopping says stop. */
        private boolean evaluate(TrainingLog log, double epochProgress) throws IOException {
            Map<String, Double> metrics;
            try (NDManager scope = base.newSubManager()) {
                metrics = Map.copyOf(evaluator.evaluate(scope));
            }
            lastMetrics = metrics;
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
                    evaluationsWithoutImprovement = 0;
                    if (checkpointDir != null) {
                        TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.BEST, state(), model, null);
                    }
                } else {
                    evaluationsWithoutImprovement++;
                    stop = evaluationsWithoutImprovement >= selection.patience();
                }
            }
            if (keepEvaluations > 0) {
                TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.stepSlot(step), state(), model, null);
                TrainingCheckpoint.keepLatestSteps(checkpointDir, keepEvaluations);
            }
            if (log != null) {
                double elapsed = (clock.getAsLong() - startNanos) / NANOS_PER_SECOND;
                log.write(step, epochProgress, lastLr, lossSinceEvaluation / stepsSinceEvaluation, elapsed, metrics);
            }
            lossSinceEvaluation = 0;
            stepsSinceEvaluation = 0;
            return stop;
        }

        private void saveLast() throws IOException {
            if (checkpointDir != null) {
                TrainingCheckpoint.write(checkpointDir, TrainingCheckpoint.LAST, state(), model, optimizer);
                lastSavedStep = step;
            }
        }

        private TrainingCheckpoint.State state() {
            return new TrainingCheckpoint.State(
                    step, epoch, batch, seed, bestValue, bestStep, evaluationsWithoutImprovement);
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
        private ToIntFunction<B> examplesPerBatch = b -> 1;
        private LongSupplier clock = System::nanoTime;

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

        /** Counts the examples of a batch for the progress bar's rate; default 1 per batch. */
        public Builder<B> optExamplesPerBatch(ToIntFunction<B> examplesPerBatch) {
            this.examplesPerBatch = examplesPerBatch;
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
