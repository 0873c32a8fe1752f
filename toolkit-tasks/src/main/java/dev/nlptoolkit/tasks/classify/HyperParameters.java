package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;

import java.util.Arrays;

/**
 * The training hyper-parameters of one model kind; {@link TextClassifierTrainer.Builder} starts from
 * {@link ModelKind#defaults()} and lets each be overridden.
 *
 * @param learningRate the peak AdamW learning rate
 * @param batchSize examples per optimizer step (before accumulation)
 * @param epochs passes over the training data, unless a time budget or early stopping ends training first
 * @param warmupFraction the fraction of all optimizer steps over which the rate rises linearly from 0
 * @param schedule what the rate does after warm-up
 * @param maxLength the most tokens per input, special tokens included; longer inputs are truncated
 */
public record HyperParameters(
        double learningRate, int batchSize, int epochs, double warmupFraction, Schedule schedule, int maxLength) {

    /** AdamW's decoupled weight decay, applied to every parameter but biases and normalisation weights. */
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    /** The global gradient norm is clipped to this before each update. */
    public static final double DEFAULT_CLIP_NORM = 1.0;
    /** Optimizer steps between evaluations on the dev set (besides one at the last step). */
    public static final int DEFAULT_EVALUATE_EVERY = 100;
    /**
     * Updates without improvement of the selection metric before training stops: so no run stops
     * early before 2,000 updates, however small its data set (TREC's epochs are 39 steps).
     */
    public static final int DEFAULT_PATIENCE_STEPS = 2000;
    /**
     * Models trained from scratch get, by default, enough epochs for at least this many updates: the
     * patience and as many again to improve in...
     */
    public static final int MIN_SCRATCH_STEPS = 2 * DEFAULT_PATIENCE_STEPS;
    /** ...but no more epochs than this (a few hundred examples would otherwise get thousands). */
    public static final int MAX_SCRATCH_EPOCHS = 200;
    /**
     * A pretrained embedding table that is fine-tuned ("non-static") learns at this multiple of the
     * rate by default: at the full rate of the layers trained from scratch it forgets what it brought
     * within a few hundred updates (README: TREC hold-out and SST-2, all-MiniLM-L6-v2's table).
     */
    public static final double PRETRAINED_EMBEDDING_LR_SCALE = 0.01;

    private static final double RECURRENT_LR = 2e-3;
    private static final double TRANSFORMER_LR = 5e-4;
    private static final double BERT_LR = 3e-5;
    /** Kim (2014) trains with Adadelta; with our AdamW, 1e-3 and Kim's batch of 50 trained best on TREC and SST-2. */
    private static final double CNN_LR = 1e-3;
    private static final int CNN_BATCH = 50;
    /** Larger batches gave steadier and better dev accuracy than 64 or 32 on SST-2 (0.853 against 0.846 and 0.838). */
    private static final int RECURRENT_BATCH = 128;
    private static final int SCRATCH_BATCH = 64;
    private static final int BERT_BATCH = 32;
    private static final int SCRATCH_EPOCHS = 10;
    private static final int BERT_EPOCHS = 3;
    private static final double SHORT_WARMUP = 0.05;
    private static final double BERT_WARMUP = 0.1;
    private static final int SCRATCH_MAX_WORDS = 256;
    private static final int BERT_MAX_PIECES = 128;

    static final HyperParameters RECURRENT = new HyperParameters(
            RECURRENT_LR, RECURRENT_BATCH, SCRATCH_EPOCHS, SHORT_WARMUP, Schedule.CONSTANT, SCRATCH_MAX_WORDS);
    static final HyperParameters CNN = new HyperParameters(
            CNN_LR, CNN_BATCH, SCRATCH_EPOCHS, SHORT_WARMUP, Schedule.CONSTANT, SCRATCH_MAX_WORDS);
    static final HyperParameters TRANSFORMER = new HyperParameters(
            TRANSFORMER_LR, SCRATCH_BATCH, SCRATCH_EPOCHS, BERT_WARMUP, Schedule.LINEAR, SCRATCH_MAX_WORDS);
    static final HyperParameters BERT = new HyperParameters(
            BERT_LR, BERT_BATCH, BERT_EPOCHS, BERT_WARMUP, Schedule.LINEAR, BERT_MAX_PIECES);

    public HyperParameters {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new UserInputException(
                    "learning rate must be a positive number, e.g. 2e-3, got " + learningRate);
        }
        if (batchSize < 1 || epochs < 1 || maxLength < 2) {
            throw new UserInputException(
                    "batch size and epochs must be at least 1 and max length at least 2, got "
                    + batchSize + ", " + epochs + ", " + maxLength);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new UserInputException("warm-up fraction must be in [0, 1), e.g. 0.1, got " + warmupFraction);
        }
        if (schedule == null) {
            throw new UserInputException("choose a schedule: " + Arrays.toString(Schedule.values()));
        }
    }
}
