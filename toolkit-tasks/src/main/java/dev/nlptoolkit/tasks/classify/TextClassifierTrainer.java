package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;
import dev.nlptoolkit.core.data.Batch;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.LengthBucketBatcher;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.tokenize.WordVocabulary;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.EarlyStopping;
import dev.nlptoolkit.core.train.ModelStore;
import dev.nlptoolkit.core.train.ProgressBar;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.core.train.TrainingLoop;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.adversarial.AdversarialTraining;
import dev.nlptoolkit.models.classifier.ClassificationLoss;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a text classifier and saves it as a model directory.
 *
 * <pre>{@code
 * TrainedClassifier result = TextClassifierTrainer.builder()
 *         .model(ModelKind.BILSTM_ATTENTION)
 *         .train(Dataset.read(Path.of("train.csv")))
 *         .dev(Dataset.read(Path.of("dev.csv")))
 *         .maxMinutes(10)
 *         .outputDir(Path.of("runs/reviews"))
 *         .build()
 *         .fit();
 * }</pre>
 *
 * <p>Every hyper-parameter not given takes {@link ModelKind#defaults()}. Training uses
 * {@link TrainingLoop}: AdamW without decay on biases and LayerNorm, warm-up then the kind's schedule,
 * gradient clipping at {@value HyperParameters#DEFAULT_CLIP_NORM}, length-bucketed batches, dev
 * evaluation every {@value HyperParameters#DEFAULT_EVALUATE_EVERY} steps and at each epoch's end,
 * early stopping and best-checkpoint selection on the {@link SelectionMetric}.
 *
 * <p>The output directory receives {@code config.json} (with {@code id2label}/{@code label2id}),
 * {@code model.safetensors} holding the best weights, the tokenizer ({@code vocab.json} for models
 * trained from scratch, whose vocabulary is counted from the training data only; {@code tokenizer.json}
 * copied from the {@link Builder#init} directory for BERT), {@code training.json} (provenance),
 * {@code train_log.jsonl} (one line per evaluation) and {@code checkpoints/{last,best}} for
 * {@link Builder#resume}. A run that does not resume starts by removing an earlier run's checkpoints
 * and log from the directory.
 */
public final class TextClassifierTrainer {

    /** Under the output directory: the resumable checkpoints. */
    public static final String CHECKPOINT_DIR = RunFiles.CHECKPOINT_DIR;
    public static final String LOG_FILE = RunFiles.LOG_FILE;
    public static final String PROVENANCE_FILE = RunFiles.PROVENANCE_FILE;
    /** Words seen fewer times in the training data map to the unknown-word token. */
    public static final int DEFAULT_MIN_WORD_FREQUENCY = 2;
    public static final int DEFAULT_SEED = 42;
    private static final int EVALUATION_BATCH_SIZE = 64;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double MILLIS_PER_MINUTE = 60_000;

    private final Builder b;
    private final HyperParameters hyper;

    private TextClassifierTrainer(Builder builder, HyperParameters hyper) {
        this.b = builder;
        this.hyper = hyper;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The hyper-parameters this trainer uses: the kind's defaults with the builder's overrides. */
    public HyperParameters hyperParameters() {
        return hyper;
    }

    /** One training example, encoded once. */
    private record Item(EncodedText text, int label) {}

    /** Trains, keeps the best checkpoint, saves the model directory and scores it on the dev set. */
    public TrainedClassifier fit() throws IOException, CheckpointException {
        long start = System.nanoTime();
        Path checkpoints = b.outputDir.resolve(CHECKPOINT_DIR);
        TrainingCheckpoint.prepareRun(checkpoints, b.resume, b.outputDir.resolve(LOG_FILE));
        Files.createDirectories(b.outputDir);
        LabelMap labels = LabelMap.of(b.train.examples(), b.train.source());
        try (NDManager manager = NDManager.newBaseManager(b.device.resolve())) {
            // Seeds the initial weights; the loop reseeds dropout before every step.
            Engine.getInstance().setRandomSeed(b.seed);
            try (ClassifierNetwork network = createNetwork(labels, manager)) {
                TrainingResult result = train(network, manager, checkpoints);
                Path best = TrainingCheckpoint.find(checkpoints, TrainingCheckpoint.BEST);
                if (best != null) {
                    ModelStore.ofParameters(StateDict.of(network.model())).load(best);
                }
                network.save(b.outputDir);
                Optional<ClassificationMetrics> dev = b.dev == null ? Optional.empty()
                        : Optional.of(ClassifierModel.evaluate(network, manager, b.dev, EVALUATION_BATCH_SIZE));
                double elapsed = (System.nanoTime() - start) / NANOS_PER_SECOND;
                writeProvenance(result, dev, elapsed);
                return new TrainedClassifier(b.outputDir, b.kind, labels.labels(), dev, result, elapsed);
            }
        }
    }

    private ClassifierNetwork createNetwork(LabelMap labels, NDManager manager)
            throws IOException, CheckpointException {
        if (b.kind.pretrained()) {
            return BertNetwork.fromInit(b.init, labels, hyper.maxLength(), manager);
        }
        Path saved = b.outputDir.resolve(ScratchNetwork.VOCABULARY_FILE);
        // A resumed run must see the ids its checkpoint was trained with.
        WordVocabulary vocabulary = b.resume && Files.exists(saved)
                ? WordVocabulary.load(saved)
                : ScratchNetwork.vocabulary(b.train.examples(), b.minWordFrequency);
        vocabulary.save(saved);
        return ScratchNetwork.create(b.kind, vocabulary, labels, hyper.maxLength(), manager);
    }

    private TrainingResult train(ClassifierNetwork network, NDManager manager, Path checkpoints)
            throws IOException, CheckpointException {
        List<Example> examples = b.train.examples();
        List<EncodedText> encoded = EncodedText.encode(network.tokenizer(),
                examples.stream().map(Example::text).toList(), examples.stream().map(Example::textPair).toList(),
                network.emptyTextId());
        int[] targets = network.labels().ids(examples, b.train.source());
        List<Item> items = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            items.add(new Item(encoded.get(i), targets[i]));
        }
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setBatchSize(hyper.batchSize()).build();
        long batchesPerEpoch = batcher.shuffled(items, item -> item.text().length(), b.seed).size();
        long stepsPerEpoch = (batchesPerEpoch + b.accumulation - 1) / b.accumulation;
        long totalSteps = stepsPerEpoch * hyper.epochs();
        long warmup = Math.round(hyper.warmupFraction() * totalSteps);
        Map<String, Parameter> parameters = StateDict.of(network.model());
        long padId = network.tokenizer().padId();
        TextClassifier model = network.model();
        AdversarialTraining adversarial = b.adversarialEpsilon == null ? null : AdversarialTraining.builder()
                .setModel(model)
                .optEpsilon(b.adversarialEpsilon.floatValue())
                .optAlpha(b.adversarialAlpha.floatValue())
                .build();
        try (AdamW optimizer = AdamW.builder()
                .setParameters(parameters)
                .setSchedule(hyper.schedule().create(hyper.learningRate(), warmup, totalSteps))
                .optWeightDecay(HyperParameters.DEFAULT_WEIGHT_DECAY)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .build()) {
            TrainingLoop.Builder<Batch<Item>> loop = TrainingLoop.<Batch<Item>>builder()
                    .setData((epoch, order) -> batcher.shuffled(items, item -> item.text().length(), order.nextLong()))
                    .setTrainStep((batch, scope) -> loss(model, adversarial, batch, padId, scope))
                    .setOptimizer(optimizer)
                    .setEpochs(hyper.epochs())
                    .optSeed(b.seed)
                    .optMaxSteps(b.maxSteps)
                    .optAccumulation(b.accumulation)
                    .optClipNorm(HyperParameters.DEFAULT_CLIP_NORM)
                    .optCheckpoints(checkpoints, ModelStore.ofParameters(parameters))
                    .optLog(b.outputDir.resolve(LOG_FILE))
                    .optExamplesPerBatch(Batch::size);
            if (b.dev != null) {
                loop.optEvaluator(scope -> SelectionMetric.all(
                                ClassifierModel.evaluate(network, scope, b.dev, EVALUATION_BATCH_SIZE)),
                                b.evaluateEvery, true)
                        .optEarlyStopping(new EarlyStopping(b.selection.key(), EarlyStopping.Mode.MAX, b.patience, 0));
            }
            if (b.maxMinutes != null) {
                loop.optMaxDuration(Duration.ofMillis(Math.round(b.maxMinutes * MILLIS_PER_MINUTE)));
            }
            if (b.progress) {
                loop.optProgress(ProgressBar.toStderr());
            }
            TrainingLoop<Batch<Item>> built = loop.build();
            return b.resume ? built.resume(manager) : built.run(manager);
        }
    }

    /** Mean cross-entropy of the batch in training mode (dropout on), plus the adversarial terms when asked. */
    private static NDArray loss(
            TextClassifier model, AdversarialTraining adversarial, Batch<Item> batch, long padId, NDManager scope) {
        List<EncodedText> rows = batch.items().stream().map(Item::text).toList();
        ClassifierInput input = EncodedText.toInput(rows, padId, scope);
        NDArray labels = scope.create(batch.items().stream().mapToLong(Item::label).toArray());
        ParameterStore parameters = new ParameterStore(scope, false);
        if (adversarial != null) {
            return adversarial.loss(parameters, input, labels, true);
        }
        return ClassificationLoss.crossEntropy(model.classify(parameters, input, true).logits(), labels);
    }

    private void writeProvenance(TrainingResult result, Optional<ClassificationMetrics> dev, double elapsed)
            throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("model", b.kind.cliName());
        if (b.init != null) {
            json.addProperty("init", b.init.toAbsolutePath().toString());
        }
        json.addProperty("train", b.train.source());
        json.addProperty("train_examples", b.train.size());
        if (b.dev != null) {
            json.addProperty("dev", b.dev.source());
            json.addProperty("dev_examples", b.dev.size());
        }
        json.addProperty("learning_rate", hyper.learningRate());
        json.addProperty("batch_size", hyper.batchSize());
        json.addProperty("gradient_accumulation", b.accumulation);
        json.addProperty("epochs", hyper.epochs());
        json.addProperty("warmup_fraction", hyper.warmupFraction());
        json.addProperty("schedule", hyper.schedule().name().toLowerCase(Locale.ROOT));
        json.addProperty("max_length", hyper.maxLength());
        json.addProperty("max_minutes", b.maxMinutes);
        json.addProperty("seed", b.seed);
        json.addProperty("device", b.device.name().toLowerCase(Locale.ROOT));
        json.addProperty("selection_metric", b.selection.key());
        json.addProperty("steps", result.steps());
        json.addProperty("stop_reason", result.reason().name().toLowerCase(Locale.ROOT));
        json.addProperty("best_step", result.bestStep());
        dev.ifPresent(m -> {
            JsonObject scores = new JsonObject();
            SelectionMetric.all(m).forEach(scores::addProperty);
            json.add("dev_metrics", scores);
        });
        json.addProperty("elapsed_s", elapsed);
        JsonFiles.writeObject(b.outputDir.resolve(PROVENANCE_FILE), json);
    }

    /**
     * Configures a {@link TextClassifierTrainer}: {@link #model}, {@link #train} and {@link #outputDir}
     * are required, and {@link #init} for BERT; every other value defaults as documented.
     */
    public static final class Builder {
        private ModelKind kind;
        private Dataset train;
        private Dataset dev;
        private Path outputDir;
        private Path init;
        private Integer epochs;
        private Double maxMinutes;
        private Integer batchSize;
        private Double learningRate;
        private Double warmupFraction;
        private Schedule schedule;
        private Integer maxLength;
        private int seed = DEFAULT_SEED;
        private DeviceChoice device = DeviceChoice.AUTO;
        private Double adversarialEpsilon;
        private Double adversarialAlpha;
        private int accumulation = 1;
        private long evaluateEvery = HyperParameters.DEFAULT_EVALUATE_EVERY;
        private int patience = HyperParameters.DEFAULT_PATIENCE;
        private SelectionMetric selection = SelectionMetric.ACCURACY;
        private int minWordFrequency = DEFAULT_MIN_WORD_FREQUENCY;
        private boolean resume;
        private boolean progress = true;
        private long maxSteps = Long.MAX_VALUE;

        private Builder() {}

        /** The model to train; required. */
        public Builder model(ModelKind kind) {
            this.kind = kind;
            return this;
        }

        /** The labelled training data; required. The label set and (from scratch) the vocabulary come from it. */
        public Builder train(Dataset train) {
            this.train = train;
            return this;
        }

        /** The labelled dev data for evaluation, early stopping and best-checkpoint selection. Default none. */
        public Builder dev(Dataset dev) {
            this.dev = dev;
            return this;
        }

        /** Where the model directory is written; required. */
        public Builder outputDir(Path outputDir) {
            this.outputDir = outputDir;
            return this;
        }

        /** The Hugging Face checkpoint directory to fine-tune; required for BERT, refused otherwise. */
        public Builder init(Path init) {
            this.init = init;
            return this;
        }

        /** Default: the kind's. */
        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Stops cleanly after this many minutes (per call, a resumed run gets a fresh budget). Default none. */
        public Builder maxMinutes(double minutes) {
            this.maxMinutes = minutes;
            return this;
        }

        /** Default: the kind's. */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** The peak learning rate. Default: the kind's. */
        public Builder learningRate(double learningRate) {
            this.learningRate = learningRate;
            return this;
        }

        /** Default: the kind's. */
        public Builder warmupFraction(double fraction) {
            this.warmupFraction = fraction;
            return this;
        }

        /** Default: the kind's. */
        public Builder schedule(Schedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Most tokens per input. Default: the kind's. */
        public Builder maxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Seeds weights, data order and dropout: the same seed gives the same model on CPU. Default
         * {@value #DEFAULT_SEED}.
         */
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
         * Trains on embedding-space adversarial examples too (Miyato et al. 2017): loss = clean loss +
         * {@code alpha} * loss on embeddings perturbed by {@code epsilon} * g / ||g||. Default off.
         */
        public Builder adversarial(double epsilon, double alpha) {
            this.adversarialEpsilon = epsilon;
            this.adversarialAlpha = alpha;
            return this;
        }

        /** Micro-batches per optimizer step. Default 1. */
        public Builder gradientAccumulation(int microBatches) {
            this.accumulation = microBatches;
            return this;
        }

        /**
         * Evaluates every this many optimizer steps too (0: at epoch ends only). Default
         * {@value HyperParameters#DEFAULT_EVALUATE_EVERY}.
         */
        public Builder evaluateEvery(long steps) {
            this.evaluateEvery = steps;
            return this;
        }

        /** Evaluations without improvement before stopping. Default {@value HyperParameters#DEFAULT_PATIENCE}. */
        public Builder patience(int evaluations) {
            this.patience = evaluations;
            return this;
        }

        /** Default {@link SelectionMetric#ACCURACY}. */
        public Builder selectionMetric(SelectionMetric metric) {
            this.selection = metric;
            return this;
        }

        /** From-scratch vocabularies keep words seen this often. Default {@value #DEFAULT_MIN_WORD_FREQUENCY}. */
        public Builder minWordFrequency(int count) {
            this.minWordFrequency = count;
            return this;
        }

        /** Continues the run whose {@code checkpoints/last} is in the output directory. Default false. */
        public Builder resume(boolean resume) {
            this.resume = resume;
            return this;
        }

        /** Stops after this many optimizer steps in total, e.g. for a smoke test. Default no limit. */
        public Builder maxSteps(long steps) {
            this.maxSteps = steps;
            return this;
        }

        /** Draws a progress bar on stderr. Default true. */
        public Builder progress(boolean progress) {
            this.progress = progress;
            return this;
        }

        public TextClassifierTrainer build() {
            if (kind == null || train == null || outputDir == null) {
                throw new IllegalArgumentException("model, train data and output directory are required: call "
                        + "model(...), train(...) and outputDir(...)");
            }
            if (kind.pretrained() != (init != null)) {
                throw new IllegalArgumentException(kind.pretrained()
                        ? kind + " fine-tunes a checkpoint: give its Hugging Face directory with init(...) / --init"
                        : kind + " trains from scratch and takes no init(...) / --init directory");
            }
            if (maxMinutes != null && !(maxMinutes > 0)) {
                throw new IllegalArgumentException("max minutes must be positive, got " + maxMinutes);
            }
            if (accumulation < 1 || patience < 1 || maxSteps < 1 || evaluateEvery < 0 || minWordFrequency < 1) {
                throw new IllegalArgumentException("gradient accumulation, patience and min word frequency must be at "
                        + "least 1 and evaluateEvery at least 0, got " + accumulation + ", " + patience + ", "
                        + minWordFrequency + ", " + evaluateEvery);
            }
            if (adversarialEpsilon != null && !(adversarialEpsilon > 0 && adversarialAlpha >= 0)) {
                throw new IllegalArgumentException("adversarial epsilon must be positive and alpha >= 0, got "
                        + adversarialEpsilon + " and " + adversarialAlpha);
            }
            HyperParameters d = kind.defaults();
            int batch = batchSize != null ? batchSize : d.batchSize();
            HyperParameters hyper = new HyperParameters(
                    learningRate != null ? learningRate : d.learningRate(),
                    batch,
                    epochs != null ? epochs : defaultEpochs(d, batch),
                    warmupFraction != null ? warmupFraction : d.warmupFraction(),
                    schedule != null ? schedule : d.schedule(),
                    maxLength != null ? maxLength : d.maxLength());
            return new TextClassifierTrainer(this, hyper);
        }

        /**
         * The kind's epochs, or for a model trained from scratch on a small data set enough epochs for
         * {@value HyperParameters#MIN_SCRATCH_STEPS} updates (at most {@value HyperParameters#MAX_SCRATCH_EPOCHS}):
         * TREC's 5,000 questions need far more passes than SST-2's 67,000 phrases, and early stopping
         * ends the run once the dev set stops improving.
         */
        private int defaultEpochs(HyperParameters d, int batch) {
            if (kind.pretrained()) {
                return d.epochs();
            }
            long examplesPerStep = (long) batch * accumulation;
            long stepsPerEpoch = Math.max(1, (train.size() + examplesPerStep - 1) / examplesPerStep);
            long needed = (HyperParameters.MIN_SCRATCH_STEPS + stepsPerEpoch - 1) / stepsPerEpoch;
            return (int) Math.max(d.epochs(), Math.min(HyperParameters.MAX_SCRATCH_EPOCHS, needed));
        }
    }
}
