package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.Dataset;
import dev.nlptoolkit.tasks.classify.DatasetColumns;
import dev.nlptoolkit.tasks.classify.ModelKind;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextClassifierTrainer;
import dev.nlptoolkit.tasks.classify.TextInput;
import dev.nlptoolkit.tasks.classify.TrainedClassifier;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.ScoreJob;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreSummary;
import dev.nlptoolkit.tasks.cli.options.DemoOptions;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code toolkit demo}: the whole classification workflow on bundled data, in a few minutes. */
@Command(
        name = "demo",
        subcommands = DemoTranslateCommand.class,
        description = {
            "Train a BiLSTM with self-attention on the bundled SST-2 (datasets/sst2) for a few minutes, print its"
                    + " dev metrics, predict a handful of sentences with their most-attended words, and score"
                    + " datasets/demo/reviews.csv into OUT/reviews_scored.csv. No network needed.",
            "Run it from the repository root, or point --datasets at the datasets folder.",
            "demo translate: the same for translation, a small Transformer on Multi30k."
        })
public final class DemoCommand implements Callable<Integer> {

    /** SST-2 labels its classes 0 and 1. */
    static final Map<String, String> SST2_LABELS = Map.of("0", "negative", "1", "positive");
    static final List<String> SENTENCES = List.of(
            "a gorgeous , witty and deeply moving film",
            "the plot is thin and the jokes are stale",
            "an ambitious mess that never finds its footing",
            "the performances are terrific and the ending is perfect",
            "i laughed , i cried , i loved every minute of it");
    static final String MODEL_DIR = "model";
    static final String SCORED_FILE = "reviews_scored.csv";
    private static final int TOP_WORDS = 3;
    private static final int BATCH_SIZE = 64;

    @Mixin DemoOptions demo = new DemoOptions("runs/demo", 3);

    @Option(names = "--max-train-examples", paramLabel = "N",
            description = "Train on the first N SST-2 examples only, for a quicker look. Default: all 67,349.")
    Integer maxTrainExamples;

    @Mixin RuntimeOptions runtime;

    @Spec private CommandSpec spec;

    /**
     * What the demo did.
     *
     * @param trained the training run, with dev metrics
     * @param predictions one per {@link #SENTENCES} entry, explained
     * @param scored the scored CSV
     * @param scoredRows its number of rows
     */
    public record Result(TrainedClassifier trained, List<Prediction> predictions, Path scored, long scoredRows) {}

    @Override
    public Integer call() throws IOException, CheckpointException {
        runtime.applyThreads();
        run(spec.commandLine().getOut());
        return ToolkitCli.EXIT_OK;
    }

    /** Runs the demo, reporting to {@code report} as it goes. */
    public Result run(PrintWriter report) throws IOException, CheckpointException {
        Path datasets = demo.datasets();
        Path sst2 = datasets.resolve("sst2");
        Path reviews = datasets.resolve("demo").resolve("reviews.csv");
        if (!Files.isDirectory(sst2) || !Files.isRegularFile(reviews)) {
            throw new IOException(datasets + ": no sst2/ and demo/reviews.csv here; run from the repository root"
                    + " or pass --datasets");
        }
        DatasetColumns columns = DatasetColumns.DEFAULT.withText("sentence");
        Dataset train = sentiment(Dataset.read(sst2.resolve("train.tsv"), columns));
        if (maxTrainExamples != null) {
            train = train.slice(0, Math.min(maxTrainExamples, train.size()));
        }
        Dataset dev = sentiment(Dataset.read(sst2.resolve("dev.tsv"), columns));
        report.printf(Locale.ROOT, "Training %s on SST-2 (%,d train, %,d dev sentences) for up to %s minutes;"
                + " progress on stderr.%n", ModelKind.BILSTM_ATTENTION, train.size(), dev.size(), demo.minutes());
        report.flush();
        TrainedClassifier trained = TextClassifierTrainer.builder()
                .model(ModelKind.BILSTM_ATTENTION)
                .train(train)
                .dev(dev)
                .maxMinutes(demo.minutes())
                .device(runtime.device())
                .outputDir(demo.out().resolve(MODEL_DIR))
                .build()
                .fit();
        ClassificationMetrics metrics = trained.devMetrics().orElseThrow();
        report.printf(Locale.ROOT, "%nModel saved in %s after %d steps (%s, %.0f s).%n", trained.directory(),
                trained.training().steps(), trained.training().reason().name().toLowerCase(Locale.ROOT),
                trained.elapsedSeconds());
        report.printf(Locale.ROOT, "Dev: accuracy %.4f  macro-F1 %.4f  MCC %.4f  (n = %d)%n%n",
                metrics.accuracy(), metrics.macroF1(), metrics.mcc(), metrics.n());
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), runtime.device())) {
            List<Prediction> predictions = model.predict(
                    SENTENCES.stream().map(TextInput::of).toList(), BATCH_SIZE, TOP_WORDS);
            for (int i = 0; i < SENTENCES.size(); i++) {
                Prediction p = predictions.get(i);
                String words = p.explanation().stream()
                        .map(w -> String.format(Locale.ROOT, "%s %.2f", w.token(), w.weight()))
                        .collect(Collectors.joining(", "));
                report.printf(Locale.ROOT, "%-8s %.3f  \"%s\"%n         most attended: %s%n",
                        p.label(), p.probability(), SENTENCES.get(i), words);
            }
            Path scored = demo.out().resolve(SCORED_FILE);
            ScoreOptions options = ScoreOptions.builder().optBatchSize(BATCH_SIZE).build();
            ScoreSummary summary = new LocalScoreEngine(LocalScoreEngine.DEFAULT_WINDOW_ROWS, report)
                    .run(ScoreJob.of(trained.directory(), reviews, scored, options), model);
            long rows = summary.rows();
            report.printf(Locale.ROOT, "%nScored %d reviews of %s into %s (columns id, text, label, score, error).%n",
                    rows, reviews, scored);
            report.flush();
            return new Result(trained, predictions, scored, rows);
        }
    }

    private static Dataset sentiment(Dataset sst2) {
        return sst2.mapLabels(label -> SST2_LABELS.getOrDefault(label, label));
    }
}
