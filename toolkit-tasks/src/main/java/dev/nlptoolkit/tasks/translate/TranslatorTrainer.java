package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;
import dev.nlptoolkit.core.data.Batch;
import dev.nlptoolkit.core.data.LengthBucketBatcher;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.metric.Bleu;
import dev.nlptoolkit.core.metric.BleuScore;
import dev.nlptoolkit.core.tokenize.BpeTrainer;
import dev.nlptoolkit.core.tokenize.BpeVocabulary;
import dev.nlptoolkit.core.tokenize.SubwordTokenizer;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.CheckpointAveraging;
import dev.nlptoolkit.core.train.EarlyStopping;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.core.train.LearningRateSchedule;
import dev.nlptoolkit.core.train.ModelStore;
import dev.nlptoolkit.core.train.ProgressBar;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.core.train.TrainingLoop;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.seq2seq.LabelSmoothedCrossEntropy;
import dev.nlptoolkit.models.seq2seq.LstmAttentionSeq2Seq;
import dev.nlptoolkit.models.seq2seq.Seq2SeqConfig;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModels;
import dev.nlptoolkit.models.seq2seq.TransformerSeq2Seq;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import com.sun.management.OperatingSystemMXBean;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Trains a translation model on a line-aligned parallel corpus and saves it as a model directory.
 *
 * <pre>{@code
 * TrainedTranslator result = TranslatorTrainer.builder()
 *         .model(Seq2SeqModelType.TRANSFORMER)
 *         .train(ParallelCorpus.read(Path.of("train.en.gz"), Path.of("train.de.gz")))
 *         .dev(ParallelCorpus.read(Path.of("val.en.gz"), Path.of("val.de.gz")))
 *         .maxMinutes(60)
 *         .outputDir(Path.of("runs/multi30k"))
 *         .build()
 *         .fit();
 * }</pre>
 *
 * <p>The run learns a joint BPE vocabulary from both sides of the training data ({@link BpeTrainer}),
 * encodes the pairs, skipping (and counting) those with an empty side or a side longer than
 * {@link Builder#maxLength}, and trains with {@link TrainingLoop} under teacher forcing: the
 * label-smoothed, padding-masked cross-entropy, AdamW, batches of at most {@link Builder#maxTokens}
 * padded tokens in length buckets, global-norm clipping, the inverse-square-root schedule with
 * warm-up for the Transformer (a constant rate for the LSTM). Every {@link Builder#evaluateEvery}
 * steps it scores the dev loss and the greedy BLEU of a dev sample, writes the checkpoints, keeps
 * the best by BLEU and stops early when BLEU stops improving. At the end the model is the best
 * checkpoint or, with {@link Builder#averageLast}, the average of the last K evaluation checkpoints
 * (fairseq's {@code average_checkpoints.py}).
 *
 * <p>{@link Builder#maxMinutes} bounds the whole run, vocabulary and final dev decoding included.
 * The output directory receives {@code config.json}, {@code model.safetensors}, {@code tokenizer.json},
 * {@code training.json} (provenance, skipped pairs, throughput), {@code train_log.jsonl} and
 * {@code checkpoints/} for {@link Builder#resume}.
 */
public final class TranslatorTrainer {

    public static final int DEFAULT_MAX_LENGTH = 128;
    public static final int DEFAULT_MAX_TOKENS = 4096;
    public static final float DEFAULT_LABEL_SMOOTHING = LabelSmoothedCrossEntropy.DEFAULT_SMOOTHING;
    public static final double DEFAULT_CLIP_NORM = 1.0;
    /** fairseq's Transformer recipes decay weights by 1e-4 (decoupled, biases and norms left alone here). */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-4;
    public static final double DEFAULT_TRANSFORMER_LR = 1e-3;
    /** Short next to fairseq's 4,000: a 2-core CPU makes a few thousand updates an hour. */
    public static final int DEFAULT_TRANSFORMER_WARMUP = 1000;
    public static final double DEFAULT_LSTM_LR = 1e-3;
    public static final int DEFAULT_EVALUATE_EVERY = 500;
    public static final int DEFAULT_BLEU_SAMPLE = 500;
    /** Ten evaluations at the default interval; counted in updates, as classification counts it. */
    public static final long DEFAULT_PATIENCE_STEPS = 10L * DEFAULT_EVALUATE_EVERY;
    /** An upper bound: the time budget or early stopping usually ends training first. */
    public static final int DEFAULT_EPOCHS = 100;
    public static final int DEFAULT_SEED = 42;
    /** The dev metrics in {@code train_log.jsonl}: BLEU selects the checkpoint, loss is the criterion's. */
    public static final String BLEU_METRIC = "bleu";
    public static final String LOSS_METRIC = "loss";

    /** Transformers want a second moment that forgets faster than Adam's 0.999 (Vaswani et al. 2017). */
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.98;
    private static final int DEV_BATCH_SIZE = 64;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double SECONDS_PER_MINUTE = 60;
    /** Of the time budget, kept for averaging, saving and decoding the dev set after training... */
    private static final double FINAL_RESERVE_FRACTION = 0.1;
    /** ...but no more than this many seconds. */
    private static final double FINAL_RESERVE_MAX_SECONDS = 60;

    /** Config keys the trainer sets itself, which overrides may not change. */
    private static final Set<String> FIXED_CONFIG_KEYS =
            Set.of(Seq2SeqConfig.MODEL_TYPE, "source_vocab_size", "target_vocab_size", "pad_id");

    private final Builder b;

    private TranslatorTrainer(Builder builder) {
        this.b = builder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Learns the vocabulary, trains, picks or averages the final weights, saves and scores the dev set. */
    public TrainedTranslator fit() throws IOException, CheckpointException {
        long start = System.nanoTime();
        Path checkpoints = b.outputDir.resolve(RunFiles.CHECKPOINT_DIR);
        TrainingCheckpoint.prepareRun(checkpoints, b.resume, b.outputDir.resolve(RunFiles.LOG_FILE));
        Files.createDirectories(b.outputDir);
        Path tokenizerFile = b.outputDir.resolve(TranslatorNetwork.TOKENIZER_FILE);
        // A resumed run must see the ids its checkpoint was trained with.
        if (!b.resume || !Files.isRegularFile(tokenizerFile)) {
            BpeTrainer.builder().optVocabularySize(b.vocabSize).optMinFrequency(b.minFrequency).build()
                    .train(b.train.sources(), b.train.targets()).write(tokenizerFile);
        }
        try (NDManager manager = NDManager.newBaseManager(b.device.resolve())) {
            // Seeds the initial weights; the loop reseeds dropout before every step.
            Engine.getInstance().setRandomSeed(b.seed);
            Seq2SeqConfig config = modelConfig(tokenizerFile);
            try (TranslatorNetwork network = TranslatorNetwork.create(config, tokenizerFile, b.maxLength, manager)) {
                EncodedPairs train = EncodedPairs.encode(b.train, network.tokenizer(), b.maxLength);
                if (train.pairs().isEmpty()) {
                    throw new IllegalArgumentException(b.train.describe() + ": no pair to train on: all "
                            + train.read() + " are empty or longer than " + b.maxLength + " subwords");
                }
                EncodedPairs dev = b.dev == null ? null : EncodedPairs.encode(b.dev, network.tokenizer(), b.maxLength);
                AtomicLong trainedTokens = new AtomicLong();
                long loopStart = System.nanoTime();
                long loopCpuStart = processCpuNanos();
                TrainingResult result = train(network, manager, checkpoints, train, dev, trainedTokens, start);
                double loopSeconds = (System.nanoTime() - loopStart) / NANOS_PER_SECOND;
                double loopCpuSeconds = (processCpuNanos() - loopCpuStart) / NANOS_PER_SECOND;
                String finalWeights = restoreFinalWeights(network, checkpoints);
                network.save(b.outputDir);
                Optional<BleuScore> devBleu = b.dev == null ? Optional.empty()
                        : Optional.of(bleu(network, manager, b.dev));
                double elapsed = (System.nanoTime() - start) / NANOS_PER_SECOND;
                double tokensPerSecond = trainedTokens.get() / Math.max(loopSeconds, Double.MIN_VALUE);
                TrainedTranslator trained = new TrainedTranslator(b.outputDir, b.kind, result,
                        TrainedTranslator.PairCounts.of(train), devBleu, tokensPerSecond, elapsed);
                writeProvenance(trained, config, dev, finalWeights, trainedTokens.get() / loopCpuSeconds);
                return trained;
            }
        }
    }

    private Seq2SeqConfig modelConfig(Path tokenizerFile) throws IOException {
        int vocab;
        try (SubwordTokenizer tokenizer = SubwordTokenizer.load(tokenizerFile)) {
            vocab = tokenizer.vocabularySize();
        }
        Seq2SeqConfig defaults = switch (b.kind) {
            case LSTM_ATTENTION -> LstmAttentionSeq2Seq.Config.of(vocab, vocab);
            case TRANSFORMER -> TransformerSeq2Seq.Config.of(vocab, vocab);
        };
        JsonObject json = defaults.toJson();
        for (Map.Entry<String, JsonElement> e : b.modelOverrides.entrySet()) {
            if (FIXED_CONFIG_KEYS.contains(e.getKey())) {
                throw new UserInputException("model config key '" + e.getKey() + "' is set by the trainer (from"
                        + " the architecture and the vocabulary); leave it out");
            }
            json.add(e.getKey(), e.getValue().deepCopy());
        }
        try {
            return Seq2SeqModels.readConfig(json);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("model config: " + e.getMessage(), e);
        }
    }

    private TrainingResult train(TranslatorNetwork network, NDManager manager, Path checkpoints, EncodedPairs train,
            EncodedPairs dev, AtomicLong trainedTokens, long start) throws IOException, CheckpointException {
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setMaxTokens(b.maxTokens).build();
        Map<String, Parameter> parameters = StateDict.of(network.model());
        LabelSmoothedCrossEntropy criterion = new LabelSmoothedCrossEntropy(b.labelSmoothing, BpeVocabulary.PAD_ID);
        List<EncodedPairs.Pair> pairs = train.pairs();
        try (AdamW optimizer = AdamW.builder()
                .setParameters(parameters)
                .setSchedule(schedule())
                .optBetas(BETA1, BETA2)
                .optWeightDecay(b.weightDecay)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .build()) {
            TrainingLoop.Builder<Batch<EncodedPairs.Pair>> loop = TrainingLoop.<Batch<EncodedPairs.Pair>>builder()
                    .setData((epoch, order) -> batcher.shuffled(pairs, EncodedPairs.Pair::length, order.nextLong()))
                    .setTrainStep((batch, scope) -> {
                        trainedTokens.addAndGet(targetTokens(batch));
                        TeacherForcedBatch arrays = TeacherForcedBatch.of(batch.items(), scope);
                        NDArray logits = network.model().logits(new ParameterStore(scope, false), arrays.input(), true);
                        return criterion.mean(logits, arrays.targetOutput());
                    })
                    .setOptimizer(optimizer)
                    .setEpochs(b.epochs)
                    .optSeed(b.seed)
                    .optMaxSteps(b.maxSteps)
                    .optClipNorm(b.clipNorm)
                    .optCheckpoints(checkpoints, ModelStore.ofParameters(parameters))
                    .optLog(b.outputDir.resolve(RunFiles.LOG_FILE))
                    .optExamplesPerBatch(TranslatorTrainer::targetTokens);
            if (dev != null && !dev.pairs().isEmpty()) {
                ParallelCorpus sample = b.dev.head(b.bleuSample);
                loop.optEvaluator(scope -> Map.of(
                                LOSS_METRIC, devLoss(network, criterion, dev, scope),
                                BLEU_METRIC, bleu(network, scope, sample).score()),
                                b.evaluateEvery, false)
                        .optEarlyStopping(new EarlyStopping(BLEU_METRIC, EarlyStopping.Mode.MAX, b.patienceSteps, 0));
                if (b.averageLast > 0) {
                    loop.optKeepEvaluationCheckpoints(b.averageLast);
                }
            }
            if (b.maxMinutes != null) {
                double budget = b.maxMinutes * SECONDS_PER_MINUTE;
                double reserve = Math.min(FINAL_RESERVE_FRACTION * budget, FINAL_RESERVE_MAX_SECONDS);
                double left = budget - reserve - (System.nanoTime() - start) / NANOS_PER_SECOND;
                loop.optMaxDuration(Duration.ofMillis(Math.max(1, Math.round(left * 1000))));
            }
            if (b.progress) {
                loop.optProgress(ProgressBar.toStderr("step", "tok"));
            }
            TrainingLoop<Batch<EncodedPairs.Pair>> built = loop.build();
            return b.resume ? built.resume(manager) : built.run(manager);
        }
    }

    private LearningRateSchedule schedule() {
        return switch (b.kind) {
            case TRANSFORMER -> LearningRateSchedule.inverseSqrtWithWarmup(b.learningRate(), b.warmupSteps());
            case LSTM_ATTENTION -> b.warmupSteps() > 0
                    ? LearningRateSchedule.inverseSqrtWithWarmup(b.learningRate(), b.warmupSteps())
                    : LearningRateSchedule.constant(b.learningRate());
        };
    }

    private static int targetTokens(Batch<EncodedPairs.Pair> batch) {
        return batch.items().stream().mapToInt(EncodedPairs.Pair::targetTokens).sum();
    }

    /** The criterion's loss per target token over the dev pairs, without dropout or autograd. */
    private static double devLoss(
            TranslatorNetwork network, LabelSmoothedCrossEntropy criterion, EncodedPairs dev, NDManager manager) {
        return Gradients.withoutRecording(() -> devLossSum(network, criterion, dev, manager));
    }

    private static double devLossSum(
            TranslatorNetwork network, LabelSmoothedCrossEntropy criterion, EncodedPairs dev, NDManager manager) {
        double sum = 0;
        long tokens = 0;
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setBatchSize(DEV_BATCH_SIZE).build();
        for (Batch<EncodedPairs.Pair> batch : batcher.ordered(dev.pairs(), EncodedPairs.Pair::length)) {
            try (NDManager scope = manager.newSubManager()) {
                TeacherForcedBatch arrays = TeacherForcedBatch.of(batch.items(), scope);
                NDArray logits = network.model().logits(new ParameterStore(scope, false), arrays.input(), false);
                sum += criterion.sum(logits, arrays.targetOutput()).getFloat();
                tokens += criterion.tokens(arrays.targetOutput());
            }
        }
        return sum / tokens;
    }

    /** sacreBLEU of the greedy translations of {@code corpus}'s sources against its targets. */
    private static BleuScore bleu(TranslatorNetwork network, NDManager manager, ParallelCorpus corpus) {
        List<String> hypotheses = Decoding.translate(network, manager, corpus.sources(), DecodeOptions.greedy(),
                DEV_BATCH_SIZE, false).stream().map(n -> n.get(0).text()).toList();
        return Bleu.sacreBleu().corpusScore(hypotheses, List.of(corpus.targets()));
    }

    /**
     * Loads the weights to save: the average of the last K evaluation checkpoints, else the best
     * one, else (no evaluation ran) the last weights trained; returns which, for the provenance.
     */
    private String restoreFinalWeights(TranslatorNetwork network, Path checkpoints)
            throws IOException, CheckpointException {
        Map<String, Parameter> parameters = StateDict.of(network.model());
        List<Path> steps = TrainingCheckpoint.steps(checkpoints);
        if (b.averageLast > 0 && !steps.isEmpty()) {
            List<Path> last = steps.subList(Math.max(0, steps.size() - b.averageLast), steps.size());
            CheckpointAveraging.average(parameters, last);
            return "average of " + last.stream().map(p -> p.getFileName().toString()).toList();
        }
        Path best = TrainingCheckpoint.find(checkpoints, TrainingCheckpoint.BEST);
        if (best != null) {
            ModelStore.ofParameters(parameters).load(best);
            return TrainingCheckpoint.BEST;
        }
        return TrainingCheckpoint.LAST;
    }

    /**
     * CPU time of the whole process, every thread (PyTorch's intra-op threads included): with the
     * wall clock, it tells throughput on a busy machine from what the same run would do on its own.
     */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private void writeProvenance(TrainedTranslator trained, Seq2SeqConfig config, EncodedPairs dev,
            String finalWeights, double tokensPerCpuSecond) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("model", b.kind.configName());
        json.addProperty("train_src", b.train.source().toString());
        json.addProperty("train_tgt", b.train.target().toString());
        TrainedTranslator.PairCounts counts = trained.trainPairs();
        json.addProperty("train_pairs", counts.read());
        json.addProperty("train_pairs_kept", counts.kept());
        json.addProperty("skipped_empty", counts.skippedEmpty());
        json.addProperty("skipped_too_long", counts.skippedTooLong());
        json.addProperty("train_unknown_tokens", counts.unknownTokens());
        if (b.dev != null) {
            json.addProperty("dev_src", b.dev.source().toString());
            json.addProperty("dev_tgt", b.dev.target().toString());
            json.addProperty("dev_pairs", dev.read());
            json.addProperty("dev_unknown_tokens", dev.unknownTokens());
        }
        json.add("model_config", config.toJson());
        json.addProperty("vocab_size", config.targetVocabSize());
        json.addProperty("vocab_size_asked", b.vocabSize);
        json.addProperty("min_frequency", b.minFrequency);
        json.addProperty("max_length", b.maxLength);
        json.addProperty("max_tokens", b.maxTokens);
        json.addProperty("learning_rate", b.learningRate());
        json.addProperty("warmup_steps", b.warmupSteps());
        json.addProperty("label_smoothing", b.labelSmoothing);
        json.addProperty("clip_norm", b.clipNorm);
        json.addProperty("weight_decay", b.weightDecay);
        json.addProperty("evaluate_every", b.evaluateEvery);
        json.addProperty("bleu_sample", b.bleuSample);
        json.addProperty("patience_steps", b.patienceSteps);
        json.addProperty("average_last", b.averageLast);
        json.addProperty("final_weights", finalWeights);
        json.addProperty("max_minutes", b.maxMinutes);
        json.addProperty("seed", b.seed);
        json.addProperty("device", b.device.name().toLowerCase(Locale.ROOT));
        json.addProperty("steps", trained.training().steps());
        json.addProperty("stop_reason", trained.training().reason().name().toLowerCase(Locale.ROOT));
        json.addProperty("best_step", trained.training().bestStep());
        json.addProperty("best_sample_bleu", trained.training().bestValue());
        trained.devBleu().ifPresent(score -> {
            json.addProperty("dev_bleu", score.score());
            json.addProperty("dev_bleu_signature", score.signature());
        });
        json.addProperty("train_target_tokens", counts.targetTokens());
        json.addProperty("train_target_tokens_per_s", trained.targetTokensPerSecond());
        json.addProperty("epochs_per_hour", trained.epochsPerHour());
        json.addProperty("train_target_tokens_per_cpu_s", tokensPerCpuSecond);
        json.addProperty("elapsed_s", trained.elapsedSeconds());
        JsonFiles.writeObject(b.outputDir.resolve(RunFiles.PROVENANCE_FILE), json);
    }

    /**
     * Configures a {@link TranslatorTrainer}: {@link #model}, {@link #train} and {@link #outputDir}
     * are required; every other value defaults as documented.
     */
    public static final class Builder {
        private Seq2SeqModelType kind;
        private ParallelCorpus train;
        private ParallelCorpus dev;
        private Path outputDir;
        private int vocabSize = BpeTrainer.DEFAULT_VOCABULARY_SIZE;
        private int minFrequency = BpeTrainer.DEFAULT_MIN_FREQUENCY;
        private int maxLength = DEFAULT_MAX_LENGTH;
        private int maxTokens = DEFAULT_MAX_TOKENS;
        private Double learningRate;
        private Integer warmupSteps;
        private float labelSmoothing = DEFAULT_LABEL_SMOOTHING;
        private double clipNorm = DEFAULT_CLIP_NORM;
        private double weightDecay = DEFAULT_WEIGHT_DECAY;
        private int epochs = DEFAULT_EPOCHS;
        private Double maxMinutes;
        private long maxSteps = Long.MAX_VALUE;
        private long evaluateEvery = DEFAULT_EVALUATE_EVERY;
        private int bleuSample = DEFAULT_BLEU_SAMPLE;
        private long patienceSteps = DEFAULT_PATIENCE_STEPS;
        private int averageLast;
        private int seed = DEFAULT_SEED;
        private DeviceChoice device = DeviceChoice.AUTO;
        private JsonObject modelOverrides = new JsonObject();
        private boolean resume;
        private boolean progress = true;

        private Builder() {}

        /** The architecture; required. */
        public Builder model(Seq2SeqModelType kind) {
            this.kind = kind;
            return this;
        }

        /** The training pairs; required. The vocabulary is learned from both of its sides. */
        public Builder train(ParallelCorpus train) {
            this.train = train;
            return this;
        }

        /** Dev pairs for the dev loss, BLEU, early stopping and checkpoint selection. Default none. */
        public Builder dev(ParallelCorpus dev) {
            this.dev = dev;
            return this;
        }

        /** Where the model directory is written; required. */
        public Builder outputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /** Size of the joint BPE vocabulary, special tokens included. Default 8,000. */
        public Builder vocabSize(int size) {
            this.vocabSize = size;
            return this;
        }

        /** Pairs of symbols seen fewer times are not merged. Default 2. */
        public Builder minFrequency(int count) {
            this.minFrequency = count;
            return this;
        }

        /** Most subwords a side of a training pair may have (with its special token); longer pairs are skipped. */
        public Builder maxLength(int subwords) {
            this.maxLength = subwords;
            return this;
        }

        /** Most padded tokens (sentences x longest side) per batch. Default {@value #DEFAULT_MAX_TOKENS}. */
        public Builder maxTokens(int tokens) {
            this.maxTokens = tokens;
            return this;
        }

        /** Peak AdamW learning rate. Default 1e-3. */
        public Builder learningRate(double lr) {
            this.learningRate = lr;
            return this;
        }

        /**
         * Steps of linear warm-up before the inverse-square-root decay. Default
         * {@value #DEFAULT_TRANSFORMER_WARMUP} for the Transformer; 0 (a constant rate) for the LSTM.
         */
        public Builder warmupSteps(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        /** Label smoothing epsilon. Default 0.1. */
        public Builder labelSmoothing(float epsilon) {
            this.labelSmoothing = epsilon;
            return this;
        }

        /** Global gradient norm clipped to before each update. Default {@value #DEFAULT_CLIP_NORM}. */
        public Builder clipNorm(double norm) {
            this.clipNorm = norm;
            return this;
        }

        /** Decoupled weight decay. Default {@value #DEFAULT_WEIGHT_DECAY}. */
        public Builder weightDecay(double decay) {
            this.weightDecay = decay;
            return this;
        }

        /** Passes over the training data at most. Default {@value #DEFAULT_EPOCHS}. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Wall-clock budget of the whole run, vocabulary and final dev decoding included. Default none. */
        public Builder maxMinutes(double minutes) {
            this.maxMinutes = minutes;
            return this;
        }

        /** Stops after this many optimizer steps in total, e.g. for a smoke test. Default no limit. */
        public Builder maxSteps(long steps) {
            this.maxSteps = steps;
            return this;
        }

        /** Optimizer steps between dev evaluations (loss and sample BLEU). Default {@value #DEFAULT_EVALUATE_EVERY}. */
        public Builder evaluateEvery(long steps) {
            this.evaluateEvery = steps;
            return this;
        }

        /** Dev sentences (the first ones) translated greedily for BLEU at each evaluation. Default 500. */
        public Builder bleuSample(int sentences) {
            this.bleuSample = sentences;
            return this;
        }

        /**
         * Stops at the first evaluation that finds this many optimizer updates since the best dev
         * BLEU. Default {@value #DEFAULT_PATIENCE_STEPS}.
         */
        public Builder patienceSteps(long updates) {
            this.patienceSteps = updates;
            return this;
        }

        /** Saves the average of the last K evaluation checkpoints instead of the best one. Default 0: the best. */
        public Builder averageLast(int checkpoints) {
            this.averageLast = checkpoints;
            return this;
        }

        /** Seeds weights, data order and dropout. Default {@value #DEFAULT_SEED}. */
        public Builder seed(int seed) {
            this.seed = seed;
            return this;
        }

        /** Default {@link DeviceChoice#AUTO}. */
        public Builder device(DeviceChoice device) {
            this.device = device;
            return this;
        }

        /**
         * Changes the architecture's default config ({@code config.json}'s {@code model} object), e.g.
         * {@code {"encoder_layers": 2, "embedding_size": 128}}; unknown keys are refused. Default none.
         */
        public Builder modelConfig(JsonObject overrides) {
            this.modelOverrides = overrides.deepCopy();
            return this;
        }

        /** Continues the run whose {@code checkpoints/last} is in the output directory. Default false. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Draws a progress bar on stderr (rate in target tokens per second). Default true. */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        double learningRate() {
            if (learningRate != null) {
                return learningRate;
            }
            return kind == Seq2SeqModelType.TRANSFORMER ? DEFAULT_TRANSFORMER_LR : DEFAULT_LSTM_LR;
        }

        int warmupSteps() {
            if (warmupSteps != null) {
                return warmupSteps;
            }
            return kind == Seq2SeqModelType.TRANSFORMER ? DEFAULT_TRANSFORMER_WARMUP : 0;
        }

        public TranslatorTrainer build() {
            if (kind == null || train == null || outputDir == null) {
                throw new IllegalArgumentException("model, train data and output directory are required: call "
                        + "model(...), train(...) and outputDir(...)");
            }
            if (maxMinutes != null && !(maxMinutes > 0)) {
                throw new IllegalArgumentException("max minutes must be positive, got " + maxMinutes);
            }
            if (vocabSize <= BpeVocabulary.SPECIAL_TOKENS.size() || minFrequency < 1 || maxLength < 2
                    || maxTokens < maxLength) {
                throw new IllegalArgumentException("need vocab size > " + BpeVocabulary.SPECIAL_TOKENS.size()
                        + ", min frequency >= 1, max length >= 2 and max tokens >= max length, got " + vocabSize
                        + ", " + minFrequency + ", " + maxLength + ", " + maxTokens);
            }
            if (epochs < 1 || maxSteps < 1 || evaluateEvery < 1 || bleuSample < 1 || patienceSteps < 1
                    || averageLast < 0) {
                throw new IllegalArgumentException("epochs, max steps, evaluate-every, BLEU sample and patience must be"
                        + " at least 1 and average-last at least 0, got " + epochs + ", " + maxSteps + ", "
                        + evaluateEvery + ", " + bleuSample + ", " + patienceSteps + ", " + averageLast);
            }
            if (kind == Seq2SeqModelType.TRANSFORMER && warmupSteps() < 1) {
                throw new IllegalArgumentException("the Transformer's inverse square root schedule needs warm-up"
                        + " steps >= 1, got " + warmupSteps());
            }
            if (averageLast > 0 && dev == null) {
                throw new IllegalArgumentException("average-last keeps the checkpoints of dev evaluations: give dev"
                        + " data too");
            }
            if (!(learningRate() > 0) || !(labelSmoothing >= 0 && labelSmoothing < 1) || !(clipNorm > 0)
                    || !(weightDecay >= 0)) {
                throw new IllegalArgumentException("need learning rate > 0, label smoothing in [0, 1), clip norm > 0"
                        + " and weight decay >= 0, got " + learningRate() + ", " + labelSmoothing + ", " + clipNorm
                        + ", " + weightDecay);
            }
            return new TranslatorTrainer(this);
        }
    }
}
