package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.DirectoryLock;
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
import dev.nlptoolkit.core.train.PlannedSchedule;
import dev.nlptoolkit.core.train.ProgressBar;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.StopRequest;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

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
 * evaluation every {@value HyperParameters#DEFAULT_EVALUATE_EVERY} steps and at the last step, early
 * stopping after {@value HyperParameters#DEFAULT_PATIENCE_STEPS} updates without improvement, and
 * best-checkpoint selection on the {@link SelectionMetric}. With {@link Builder#maxMinutes} the
 * schedule's warm-up and decay are laid out over the steps that fit in the budget, measured over its
 * first 5% ({@code schedule_plan} in {@code training.json} says which plan was used).
 *
 * <p>The output directory is locked while training ({@link DirectoryLock}); a second run on it fails
 * naming the first. {@link Builder#resume} checks that every hyper-parameter and the data (SHA-256 of
 * the examples) equal the checkpoint's and fails naming the differences; what may change on resume:
 * the time budget ({@code --max-minutes}), the step limit, {@code --threads}, {@code --device} and
 * the progress display. A resumed run gives the same weights as one that was never stopped.
 *
 * <p>The output directory receives {@code config.json} (with {@code id2label}/{@code label2id}),
 * {@code model.safetensors} holding the best weights, the tokenizer ({@code vocab.json} for models
 * trained from scratch, whose vocabulary is counted from the training data only; {@code tokenizer.json}
 * copied from the {@link Builder#init} directory for BERT, or from the {@link Builder#initEmbeddings}
 * directory for a model trained from scratch on pretrained embeddings), {@code training.json} (provenance),
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
    /** The embedding table's multiple of the learning rate, {@link Builder#embeddingLearningRateScale} resolved. */
    private final double embeddingLearningRateScale;
    /** Each class id's loss weight, resolved from {@link Builder#classWeights} when training starts. */
    private double[] classWeights;

    private TextClassifierTrainer(Builder builder, HyperParameters hyper, double embeddingLearningRateScale) {
        this.b = builder;
        this.hyper = hyper;
        this.embeddingLearningRateScale = embeddingLearningRateScale;
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
        try (DirectoryLock lock = DirectoryLock.acquire(b.outputDir)) {
            return fitLocked();
        }
    }

    private TrainedClassifier fitLocked() throws IOException, CheckpointException {
        long start = System.nanoTime();
        Path checkpoints = b.outputDir.resolve(CHECKPOINT_DIR);
        TrainingCheckpoint.prepareRun(checkpoints, b.resume, b.outputDir.resolve(LOG_FILE));
        Long resumedFrom = b.resume
                ? TrainingCheckpoint.readState(TrainingCheckpoint.find(checkpoints, TrainingCheckpoint.LAST)).step()
                : null;
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
                writeProvenance(network, result, dev, elapsed, resumedFrom);
                return new TrainedClassifier(b.outputDir, b.kind, labels.labels(), dev, result, elapsed);
            }
        }
    }

    private ClassifierNetwork createNetwork(LabelMap labels, NDManager manager)
            throws IOException, CheckpointException {
        if (b.kind.pretrained()) {
            return BertNetwork.fromInit(b.init, labels, hyper.maxLength(), manager);
        }
        if (b.initEmbeddings != null) {
            return ScratchNetwork.create(b.kind, PretrainedEmbeddings.open(b.initEmbeddings, b.initEmbeddingsLayer),
                    b.freezeEmbeddings, b.train.examples(), labels, hyper.maxLength(), manager);
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
        classWeights = b.classWeights.resolve(network.labels(), targets);
        List<Item> items = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            items.add(new Item(encoded.get(i), targets[i]));
        }
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setBatchSize(hyper.batchSize()).build();
        long batchesPerEpoch = batcher.shuffled(items, item -> item.text().length(), b.seed).size();
        long stepsPerEpoch = (batchesPerEpoch + b.accumulation - 1) / b.accumulation;
        long totalSteps = Math.min(stepsPerEpoch * hyper.epochs(), b.maxSteps);
        PlannedSchedule schedule = new PlannedSchedule(total -> hyper.schedule().create(hyper.learningRate(),
                Math.round(hyper.warmupFraction() * total), total), totalSteps);
        Map<String, Parameter> parameters = StateDict.of(network.model());
        Map<String, Parameter> trainable = new LinkedHashMap<>(parameters);
        // a pretrained table's rows past those of the training pieces never get a gradient: left out of the update
        Map<String, Long> trainedRows = network instanceof ScratchNetwork scratch ? scratch.trainedRows() : Map.of();
        if (b.freezeEmbeddings) {
            // Kim's "static": the pretrained table gets no gradient and no update, but is checkpointed
            trainable.remove(PretrainedEmbeddings.EMBEDDING_PARAMETER).getArray().setRequiresGradient(false);
            trainedRows = Map.of();
        }
        long padId = network.tokenizer().padId();
        float[] lossWeights = b.classWeights.isNone() ? null : toFloats(classWeights);
        TextClassifier model = network.model();
        AdversarialTraining adversarial = b.adversarialEpsilon == null ? null : AdversarialTraining.builder()
                .setModel(model)
                .optEpsilon(b.adversarialEpsilon.floatValue())
                .optAlpha(b.adversarialAlpha.floatValue())
                .build();
        try (AdamW optimizer = AdamW.builder()
                .setParameters(trainable)
                .setSchedule(schedule)
                .optWeightDecay(HyperParameters.DEFAULT_WEIGHT_DECAY)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .optLearningRateScales(embeddingLearningRateScale == 1 ? Map.of()
                        : Map.of(PretrainedEmbeddings.EMBEDDING_PARAMETER, embeddingLearningRateScale))
                .optTrainedRows(trainedRows)
                .build()) {
            TrainingLoop.Builder<Batch<Item>> loop = TrainingLoop.<Batch<Item>>builder()
                    .setData((epoch, order) -> batcher.shuffled(items, item -> item.text().length(), order.nextLong()))
                    .setTrainStep((batch, scope) -> loss(model, adversarial, lossWeights, batch, padId, scope))
                    .setOptimizer(optimizer)
                    .setEpochs(hyper.epochs())
                    .optSeed(b.seed)
                    .optMaxSteps(b.maxSteps)
                    .optAccumulation(b.accumulation)
                    .optClipNorm(HyperParameters.DEFAULT_CLIP_NORM)
                    .optCheckpoints(checkpoints, ModelStore.ofParameters(parameters))
                    .optLog(b.outputDir.resolve(LOG_FILE))
                    .optExamplesPerBatch(Batch::size)
                    .optPlannedSchedule(schedule)
                    .optRun(runFingerprint())
                    .optStopRequest(b.stopRequest);
            if (b.dev != null) {
                loop.optEvaluator(scope -> SelectionMetric.all(
                                ClassifierModel.evaluate(network, scope, b.dev, EVALUATION_BATCH_SIZE)),
                                b.evaluateEvery, b.evaluateEvery == 0)
                        .optEarlyStopping(
                                new EarlyStopping(b.selection.key(), EarlyStopping.Mode.MAX, b.patienceSteps, 0));
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

    /**
     * What a resumed run must have in common with the checkpoint beside the loop's own settings: every
     * hyper-parameter and the data. Not here, so free to change on resume: the time and step budgets,
     * threads, device and the progress display.
     */
    private Map<String, String> runFingerprint() {
        Map<String, String> run = new TreeMap<>();
        run.put("model", b.kind.cliName());
        run.put("init", String.valueOf(b.init == null ? null : b.init.toAbsolutePath().normalize()));
        run.put("learning_rate", Double.toString(hyper.learningRate()));
        run.put("batch_size", Integer.toString(hyper.batchSize()));
        run.put("warmup_fraction", Double.toString(hyper.warmupFraction()));
        run.put("schedule", hyper.schedule().name().toLowerCase(Locale.ROOT));
        run.put("max_length", Integer.toString(hyper.maxLength()));
        run.put("min_word_frequency", Integer.toString(b.minWordFrequency));
        run.put("adversarial", b.adversarialEpsilon == null ? "off"
                : "epsilon " + b.adversarialEpsilon + ", alpha " + b.adversarialAlpha);
        run.put("selection_metric", b.selection.key());
        run.put("init_embeddings", String.valueOf(b.initEmbeddings == null ? null
                : b.initEmbeddings.toAbsolutePath().normalize()) + (b.freezeEmbeddings ? ", frozen" : ""));
        if (b.initEmbeddings != null) {
            // tables made before every piece of the tokenizer had a row cannot continue as such a table
            run.put("init_embeddings_table", "every piece, the training data's first");
        }
        if (b.initEmbeddingsLayer != 0) {
            // only when not 0, so that runs from the word-embedding matrix keep their fingerprint
            run.put("init_embeddings_layer", Integer.toString(b.initEmbeddingsLayer));
        }
        if (embeddingLearningRateScale != 1) {
            // only when not 1, so that runs at the full rate keep the fingerprint they had before the option
            // (a fine-tuned pretrained table from then resumes with an explicit 1: the CLI help says so)
            run.put("embedding_lr_scale", Double.toString(embeddingLearningRateScale));
        }
        run.put("class_weights", String.valueOf(b.classWeights));
        run.put("train_data", b.train.size() + " examples, sha256 " + b.train.fingerprint());
        run.put("dev_data", b.dev == null ? "none" : b.dev.size() + " examples, sha256 " + b.dev.fingerprint());
        return run;
    }

    /**
     * Mean cross-entropy of the batch in training mode (dropout on), class-weighted when
     * {@code classWeights} is not null, plus the adversarial terms when asked.
     */
    private static NDArray loss(TextClassifier model, AdversarialTraining adversarial, float[] classWeights,
            Batch<Item> batch, long padId, NDManager scope) {
        List<EncodedText> rows = batch.items().stream().map(Item::text).toList();
        ClassifierInput input = EncodedText.toInput(rows, padId, scope);
        NDArray labels = scope.create(batch.items().stream().mapToLong(Item::label).toArray());
        ParameterStore parameters = new ParameterStore(scope, false);
        if (adversarial != null) {
            return adversarial.loss(parameters, input, labels, true);
        }
        NDArray logits = model.classify(parameters, input, true).logits();
        return classWeights == null ? ClassificationLoss.crossEntropy(logits, labels)
                : ClassificationLoss.crossEntropy(logits, labels, scope.create(classWeights));
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private void writeProvenance(ClassifierNetwork network, TrainingResult result,
            Optional<ClassificationMetrics> dev, double elapsed, Long resumedFrom) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("model", b.kind.cliName());
        if (b.init != null) {
            json.addProperty("init", b.init.toAbsolutePath().toString());
        }
        if (network instanceof ScratchNetwork scratch && scratch.embeddingsFrom() != null) {
            json.add("init_embeddings", scratch.embeddingsFrom().deepCopy());
        }
        json.add("class_weights", b.classWeights.provenance(network.labels(), classWeights));
        json.addProperty("train", b.train.source());
        json.addProperty("train_examples", b.train.size());
        if (b.dev != null) {
            json.addProperty("dev", b.dev.source());
            json.addProperty("dev_examples", b.dev.size());
        }
        json.addProperty("learning_rate", hyper.learningRate());
        json.addProperty("embedding_lr_scale", embeddingLearningRateScale);
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
        // The step of the checkpoint this call continued from; absent for a run from the start.
        if (resumedFrom != null) {
            json.addProperty("resumed_from_step", resumedFrom);
        }
        json.addProperty("stop_reason", result.reason().name().toLowerCase(Locale.ROOT));
        json.addProperty("best_step", result.bestStep());
        json.addProperty("evaluate_every", b.evaluateEvery);
        json.addProperty("patience_steps", b.patienceSteps);
        JsonObject plan = new JsonObject();
        plan.addProperty("steps", result.plan().steps());
        // epochs: laid out over the epochs (or step limit); time_budget: over the steps that fit in
        // --max-minutes at the rate measured in its first 5%; measuring: the run ended before that.
        plan.addProperty("planned_over", result.plan().basis().name().toLowerCase(Locale.ROOT));
        plan.addProperty("measured_steps_per_second", result.plan().stepsPerSecond());
        json.add("schedule_plan", plan);
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
        private Path initEmbeddings;
        private int initEmbeddingsLayer;
        private boolean freezeEmbeddings;
        private Double embeddingLearningRateScale;
        private ClassWeights classWeights = ClassWeights.NONE;
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
        private long patienceSteps = HyperParameters.DEFAULT_PATIENCE_STEPS;
        private StopRequest stopRequest;
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

        /**
         * A Hugging Face checkpoint directory whose {@code tokenizer.json} and word-embedding matrix a
         * model trained from scratch starts from (see {@link PretrainedEmbeddings}); refused for BERT.
         * Default none: a word vocabulary counted from the training data and random embeddings.
         */
        public Builder initEmbeddings(Path directory) {
            this.initEmbeddings = directory;
            return this;
        }

        /**
         * Where in the {@link #initEmbeddings} checkpoint the table comes from: 0 (the default) its
         * word-embedding matrix, L >= 1 the output of its encoder's layer L for each piece encoded alone
         * ({@code [CLS] piece [SEP]}), rescaled to the matrix rows' mean length (see {@link PretrainedEmbeddings}).
         */
        public Builder initEmbeddingsLayer(int layer) {
            this.initEmbeddingsLayer = layer;
            return this;
        }

        /** Keeps the {@link #initEmbeddings} table fixed (Kim's "static"). Default false ("non-static"). */
        public Builder freezeEmbeddings(boolean freeze) {
            this.freezeEmbeddings = freeze;
            return this;
        }

        /**
         * The embedding table learns at this multiple of the learning rate, the other layers at the rate
         * itself (a parameter group, as in discriminative fine-tuning): a pretrained table fine-tuned
         * ("non-static") at the rate of layers trained from scratch forgets what it brought within a few
         * hundred updates on a small data set. Models trained from scratch only. Default
         * {@value HyperParameters#PRETRAINED_EMBEDDING_LR_SCALE} for a table from {@link #initEmbeddings}
         * that is not frozen, else 1.
         */
        public Builder embeddingLearningRateScale(double scale) {
            this.embeddingLearningRateScale = scale;
            return this;
        }

        /** The weight of each class in the training loss. Default {@link ClassWeights#NONE}. */
        public Builder classWeights(ClassWeights weights) {
            this.classWeights = weights;
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
         * Evaluates every this many optimizer steps, and at the last (0: at epoch ends only). Default
         * {@value HyperParameters#DEFAULT_EVALUATE_EVERY}.
         */
        public Builder evaluateEvery(long steps) {
            this.evaluateEvery = steps;
            return this;
        }

        /**
         * Optimizer updates without improvement on the dev set before stopping. Default
         * {@value HyperParameters#DEFAULT_PATIENCE_STEPS}: early stopping cannot end a run before that many
         * updates, however often it evaluates.
         */
        public Builder patienceSteps(long updates) {
            this.patienceSteps = updates;
            return this;
        }

        /**
         * Stops at the next step boundary, writing the {@code last} checkpoint, once {@code request} is
         * set (the command line sets it on SIGTERM). Default none.
         */
        public Builder stopRequest(StopRequest request) {
            this.stopRequest = request;
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
                throw new UserInputException(kind.pretrained()
                        ? kind + " fine-tunes a checkpoint: give its Hugging Face directory with init(...) / --init"
                        : kind + " trains from scratch and takes no init(...) / --init directory");
            }
            if (initEmbeddings != null && kind.pretrained()) {
                throw new UserInputException(kind + " takes its embeddings from init(...) / --init;"
                        + " initEmbeddings(...) / --init-embeddings is for models trained from scratch");
            }
            if (embeddingLearningRateScale != null) {
                if (!(embeddingLearningRateScale > 0) || embeddingLearningRateScale.isInfinite()) {
                    throw new UserInputException("the embedding learning-rate scale must be finite and positive, got "
                            + embeddingLearningRateScale + (embeddingLearningRateScale == 0 ? "; to keep pretrained"
                                    + " embeddings fixed use freezeEmbeddings(true) / --freeze-embeddings" : ""));
                }
                if (kind.pretrained() || freezeEmbeddings) {
                    throw new UserInputException(kind.pretrained()
                            ? "an embedding learning-rate scale is for models trained from scratch, not " + kind
                            : "frozen embeddings do not learn: drop the embedding learning-rate scale"
                                    + " or --freeze-embeddings");
                }
            }
            if (initEmbeddingsLayer < 0) {
                throw new UserInputException("the embedding layer must be 0 (the word-embedding matrix) or an"
                        + " encoder layer >= 1, got " + initEmbeddingsLayer);
            }
            if (initEmbeddingsLayer > 0 && initEmbeddings == null) {
                throw new UserInputException("an embedding layer picks a layer of the initEmbeddings(...) /"
                        + " --init-embeddings checkpoint: give that too");
            }
            if (freezeEmbeddings && initEmbeddings == null) {
                throw new UserInputException("freezing embeddings needs pretrained ones: give"
                        + " initEmbeddings(...) / --init-embeddings too");
            }
            if (classWeights == null) {
                throw new IllegalArgumentException("class weights must not be null: use ClassWeights.NONE");
            }
            if (!classWeights.isNone() && adversarialEpsilon != null) {
                throw new UserInputException("class weights and adversarial training cannot be combined yet:"
                        + " drop --class-weights or --adversarial-epsilon");
            }
            if (maxMinutes != null && !(maxMinutes > 0)) {
                throw new UserInputException("max minutes must be positive, got " + maxMinutes);
            }
            if (accumulation < 1 || patienceSteps < 1 || maxSteps < 1 || evaluateEvery < 0 || minWordFrequency < 1) {
                throw new UserInputException("gradient accumulation, patience steps, max steps and min word frequency"
                        + " must be at least 1 and evaluate-every at least 0, got " + accumulation + ", " + patienceSteps
                        + ", " + maxSteps + ", " + minWordFrequency + ", " + evaluateEvery);
            }
            if (adversarialEpsilon != null && !(adversarialEpsilon > 0 && adversarialAlpha >= 0)) {
                throw new UserInputException("adversarial epsilon must be positive and alpha >= 0, got "
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
            double embeddingScale = embeddingLearningRateScale != null ? embeddingLearningRateScale
                    : initEmbeddings != null && !freezeEmbeddings ? HyperParameters.PRETRAINED_EMBEDDING_LR_SCALE : 1;
            return new TextClassifierTrainer(this, hyper, embeddingScale);
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
