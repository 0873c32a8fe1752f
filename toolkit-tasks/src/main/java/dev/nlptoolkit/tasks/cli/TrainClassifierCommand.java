package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.StopRequest;
import dev.nlptoolkit.tasks.classify.ClassifierPlots;
import dev.nlptoolkit.tasks.classify.ClassWeights;
import dev.nlptoolkit.tasks.classify.Dataset;
import dev.nlptoolkit.tasks.classify.DatasetColumns;
import dev.nlptoolkit.tasks.classify.HyperParameters;
import dev.nlptoolkit.tasks.classify.ModelKind;
import dev.nlptoolkit.tasks.classify.Schedule;
import dev.nlptoolkit.tasks.classify.SelectionMetric;
import dev.nlptoolkit.tasks.classify.TextClassifierTrainer;
import dev.nlptoolkit.tasks.classify.TrainedClassifier;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.cli.options.BatchSizeOption;
import dev.nlptoolkit.tasks.cli.options.SeedOption;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit train-classifier}: trains a text classifier and saves it as a model directory. */
@Command(
        name = "train-classifier",
        description = {
            "Train a text classifier and save it as a model directory; print one JSON object with the dev metrics.",
            "Files: RFC 4180 CSV with a header, TSV when the name ends in .tsv, TREC questions when it ends in"
                    + " .label. When the text column is missing and exactly one of sentence, content, text is in"
                    + " the header, that one is read (SST-2's train file says sentence, its dev file content).",
            "Unset hyper-parameters take the model's defaults: lr 2e-3, batch 128, 10 epochs (on small data"
                    + " sets enough for " + HyperParameters.MIN_SCRATCH_STEPS + " updates, at most "
                    + HyperParameters.MAX_SCRATCH_EPOCHS + ") for rnn, lstm, bilstm-attention, rcnn; lr 5e-4,"
                    + " batch 64 for transformer; lr 3e-5, batch 32, 3 epochs,"
                    + " 10%% warm-up and linear decay for bert; lr 1e-3, batch 50 for cnn.",
            "With --max-minutes, warm-up and decay are laid out over the steps that fit in the budget (rate"
                    + " measured over its first 5%%); training.json's schedule_plan says which plan ran.",
            "--resume continues checkpoints/last and refuses (exit 2, naming what differs) when a"
                    + " hyper-parameter or the data changed; free to change on resume: --max-minutes, --max-steps,"
                    + " --threads, --device, --no-progress. SIGTERM stops at the next step with a checkpoint.",
            "Writes config.json (id2label, label2id), model.safetensors (best dev checkpoint), the tokenizer,"
                    + " training.json, train_log.jsonl and checkpoints/ into --out; progress goes to stderr."
        })
public final class TrainClassifierCommand implements Callable<Integer> {

    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Labelled training data.")
    Path train;

    @Option(names = "--dev", paramLabel = "FILE",
            description = "Labelled dev data for evaluation, early stopping and choosing the best checkpoint."
                    + " Default: none (the last weights are kept).")
    Path dev;

    @Option(names = "--dev-fraction", paramLabel = "F",
            description = "Instead of --dev: hold out this fraction of each label's --train examples as the dev"
                    + " set, drawn with --seed (e.g. 0.1).")
    Double devFraction;

    @Option(names = "--model", required = true, paramLabel = "NAME", converter = ModelKindConverter.class,
            completionCandidates = ModelKindConverter.class, description = "One of: ${COMPLETION-CANDIDATES}.")
    ModelKind model;

    @Option(names = "--init", paramLabel = "HF_DIR",
            description = "The Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer.json)"
                    + " to fine-tune; required for bert.")
    Path init;

    @Option(names = "--init-embeddings", paramLabel = "HF_DIR",
            description = "For models trained from scratch: start from the tokenizer.json and word embeddings"
                    + " (embeddings.word_embeddings.weight) of this Hugging Face checkpoint directory, e.g."
                    + " all-MiniLM-L6-v2, instead of a vocabulary counted from --train. Every piece of its vocabulary"
                    + " keeps a row, so words --train never shows keep their pretrained vectors. Default: none.")
    Path initEmbeddings;

    @Option(names = "--init-embeddings-layer", paramLabel = "L", defaultValue = "0",
            description = "Where in the --init-embeddings checkpoint the table comes from: 0, its word-embedding"
                    + " matrix; L >= 1, the output of its encoder's layer L for each word piece encoded alone"
                    + " ([CLS] piece [SEP]), rescaled to the matrix rows' mean length. Default: ${DEFAULT-VALUE}.")
    int initEmbeddingsLayer;

    @Option(names = "--freeze-embeddings",
            description = "Keep the --init-embeddings table fixed (Kim's static; default non-static:"
                    + " trained). Default: ${DEFAULT-VALUE}.")
    boolean freezeEmbeddings;

    @Option(names = "--embedding-lr-scale", paramLabel = "F",
            description = "For models trained from scratch: the embedding table learns at F times --lr."
                    + " Default: 0.01 for --init-embeddings without --freeze-embeddings, else 1 (such runs"
                    + " started before this option trained at 1: --resume them with --embedding-lr-scale 1).")
    Double embeddingLearningRateScale;

    @Option(names = "--class-weights", paramLabel = "balanced|none|FILE", defaultValue = "none",
            converter = ClassWeightsConverter.class,
            description = "Weight each class in the loss: balanced = n / (k * count), scikit-learn's rule;"
                    + " FILE = a JSON object from label to weight (others weigh 1). Default: ${DEFAULT-VALUE}.")
    ClassWeights classWeights;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model directory to write.")
    Path out;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = DatasetColumns.DEFAULT_TEXT,
            description = "Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "NAME",
            description = "The second text of sentence pairs. Default: none.")
    String textPairColumn;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = DatasetColumns.DEFAULT_LABEL,
            description = "Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--dev-text-column", paramLabel = "NAME", description = "Default: --text-column.")
    String devTextColumn;

    @Option(names = "--dev-label-column", paramLabel = "NAME", description = "Default: --label-column.")
    String devLabelColumn;

    @Option(names = "--epochs", paramLabel = "N", description = "Default: the model's.")
    Integer epochs;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Stop cleanly after M minutes, keeping the best checkpoint. Default: no limit.")
    Double maxMinutes;

    @Mixin BatchSizeOption batchSize;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate. Default: the model's.")
    Double learningRate;

    @Option(names = "--schedule", paramLabel = "SCHEDULE",
            description = "Learning rate after warm-up: ${COMPLETION-CANDIDATES}. Default: the model's.")
    Schedule schedule;

    @Option(names = "--warmup-fraction", paramLabel = "F",
            description = "Fraction of all steps with a linearly rising rate. Default: the model's.")
    Double warmupFraction;

    @Option(names = "--max-length", paramLabel = "T",
            description = "Most tokens per input. Default: the model's (256 words; 128 word pieces for bert).")
    Integer maxLength;

    @Option(names = "--gradient-accumulation", paramLabel = "K", defaultValue = "1",
            description = "Micro-batches per optimizer step. Default: ${DEFAULT-VALUE}.")
    int accumulation;

    @Option(names = "--evaluate-every", paramLabel = "STEPS",
            defaultValue = "" + HyperParameters.DEFAULT_EVALUATE_EVERY,
            description = "Evaluate on the dev set every STEPS optimizer steps and at the last step (0: at epoch"
                    + " ends only). Default: ${DEFAULT-VALUE}.")
    long evaluateEvery;

    @Option(names = "--patience-steps", paramLabel = "N",
            defaultValue = "" + HyperParameters.DEFAULT_PATIENCE_STEPS,
            description = "Stop when N optimizer updates brought no improvement on the dev set (so never before"
                    + " update N). Default: ${DEFAULT-VALUE}.")
    long patienceSteps;

    @Option(names = "--max-steps", paramLabel = "N",
            description = "Stop after N optimizer steps in total. Default: no limit.")
    Long maxSteps;

    @Option(names = "--no-progress", description = "Draw no progress bar on stderr. Default: ${DEFAULT-VALUE}.")
    boolean noProgress;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "ACCURACY",
            description = "Selects the best checkpoint: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    SelectionMetric metric;

    @Mixin SeedOption seed;

    @Option(names = "--resume",
            description = "Continue the run in --out from checkpoints/last. Default: ${DEFAULT-VALUE}.")
    boolean resume;

    @Mixin RuntimeOptions runtime;

    @Option(names = "--adversarial-epsilon", paramLabel = "E",
            description = "Train on embedding perturbations of L2 norm E too (Miyato et al. 2017). Default: off.")
    Double adversarialEpsilon;

    @Option(names = "--adversarial-alpha", paramLabel = "A", defaultValue = "1.0",
            description = "Weight of the adversarial loss. Default: ${DEFAULT-VALUE}.")
    double adversarialAlpha;


    @Option(names = "--plot",
            description = "Also write " + RunFiles.TRAINING_CURVES_FILE
                    + " (loss and dev accuracy over steps) and " + ClassifierPlots.CONFUSION_MATRIX_FILE + " (dev set) into --out. Default: ${DEFAULT-VALUE}.")
    boolean plot;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws IOException, CheckpointException {
        TrainedClassifier result = run();
        JsonObject json = toJson(result);
        if (plot) {
            JsonArray plots = new JsonArray();
            ClassifierPlots.writeTrainingPlots(result).forEach(file -> plots.add(file.toString()));
            json.add("plots", plots);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
        stdout.flush();
        return ToolkitCli.EXIT_OK;
    }

    /** Reads the data, trains and saves, as the parsed options say. */
    public TrainedClassifier run() throws IOException, CheckpointException {
        runtime.applyThreads();
        if (dev != null && devFraction != null) {
            throw new ParameterException(spec.commandLine(), "give --dev or --dev-fraction, not both");
        }
        DatasetColumns columns = new DatasetColumns(textColumn, textPairColumn, labelColumn);
        Dataset trainSet = Dataset.read(train, columns);
        TextClassifierTrainer.Builder trainer = TextClassifierTrainer.builder()
                .model(model)
                .outputDir(out)
                .gradientAccumulation(accumulation)
                .evaluateEvery(evaluateEvery)
                .patienceSteps(patienceSteps)
                .progress(!noProgress)
                .selectionMetric(metric)
                .seed(seed.seed())
                .resume(resume)
                .device(runtime.device());
        if (devFraction != null) {
            Dataset.HeldOut split = trainSet.holdOut(devFraction, seed.seed());
            trainSet = split.train();
            trainer.dev(split.dev());
        }
        trainer.train(trainSet);
        if (dev != null) {
            DatasetColumns devColumns = new DatasetColumns(
                    devTextColumn != null ? devTextColumn : textColumn,
                    textPairColumn,
                    devLabelColumn != null ? devLabelColumn : labelColumn);
            trainer.dev(Dataset.read(dev, devColumns));
        }
        if (init != null) {
            trainer.init(init);
        }
        if (initEmbeddings != null) {
            trainer.initEmbeddings(initEmbeddings);
        }
        trainer.initEmbeddingsLayer(initEmbeddingsLayer).freezeEmbeddings(freezeEmbeddings).classWeights(classWeights);
        if (embeddingLearningRateScale != null) {
            trainer.embeddingLearningRateScale(embeddingLearningRateScale);
        }
        if (epochs != null) {
            trainer.epochs(epochs);
        }
        if (maxMinutes != null) {
            trainer.maxMinutes(maxMinutes);
        }
        Integer batch = batchSize.orNull();
        if (batch != null) {
            trainer.batchSize(batch);
        }
        if (learningRate != null) {
            trainer.learningRate(learningRate);
        }
        if (maxLength != null) {
            trainer.maxLength(maxLength);
        }
        if (schedule != null) {
            trainer.schedule(schedule);
        }
        if (warmupFraction != null) {
            trainer.warmupFraction(warmupFraction);
        }
        if (adversarialEpsilon != null) {
            trainer.adversarial(adversarialEpsilon, adversarialAlpha);
        }
        if (maxSteps != null) {
            trainer.maxSteps(maxSteps);
        }
        try (StopRequest stop = StopRequest.onShutdown(StopRequest.DEFAULT_GRACE)) {
            return trainer.stopRequest(stop).build().fit();
        }
    }

    /** {@code {"model_dir", "model", "labels", "steps", "stop_reason", "best_step", "elapsed_s", "dev"}}. */
    static JsonObject toJson(TrainedClassifier result) {
        JsonObject json = new JsonObject();
        json.addProperty("model_dir", result.directory().toString());
        json.addProperty("model", result.kind().cliName());
        json.add("labels", new GsonBuilder().create().toJsonTree(result.labels()));
        json.addProperty("steps", result.training().steps());
        json.addProperty("stop_reason", result.training().reason().name().toLowerCase(Locale.ROOT));
        json.addProperty("best_step", result.training().bestStep());
        json.addProperty("elapsed_s", result.elapsedSeconds());
        result.devMetrics().ifPresent(m -> json.add("dev", m.toJsonTree()));
        return json;
    }
}
