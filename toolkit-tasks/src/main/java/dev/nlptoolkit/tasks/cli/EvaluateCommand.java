package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.plot.Plots;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.ClassifierPlots;
import dev.nlptoolkit.tasks.classify.Dataset;
import dev.nlptoolkit.tasks.classify.DatasetColumns;
import dev.nlptoolkit.tasks.classify.UnknownLabels;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.cli.options.BatchSizeOption;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code toolkit evaluate}: scores a model directory on labelled data. */
@Command(
        name = "evaluate",
        description = {
            "Score a model directory on labelled data and print one JSON object:"
                    + " {\"n\", \"accuracy\", \"macro_f1\", \"mcc\", \"per_class\", \"confusion\"}.",
            "A gold label the model never saw in training is refused (exit 2, naming the file and line);"
                    + " with --allow-unknown-labels such examples count as errors, listed under \"unknown_gold\".",
            "Classes with examples and recall 0 are named in a one-line warning on stderr.",
            "With --attack-epsilon, \"under_attack\" holds the same metrics on adversarially perturbed embeddings.",
            "Files are read as train-classifier reads them (CSV, TSV by .tsv, TREC by .label)."
        })
public final class EvaluateCommand implements Callable<Integer> {

    /** The key of the metrics under attack in the printed JSON. */
    static final String UNDER_ATTACK = "under_attack";

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model directory: one train-classifier wrote, or a Hugging Face BERT classifier.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Labelled data to score on.")
    Path data;

    @Option(names = "--text-column", paramLabel = "NAME", defaultValue = DatasetColumns.DEFAULT_TEXT,
            description = "Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--text-pair-column", paramLabel = "NAME", description = "Default: none.")
    String textPairColumn;

    @Option(names = "--label-column", paramLabel = "NAME", defaultValue = DatasetColumns.DEFAULT_LABEL,
            description = "Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--allow-unknown-labels",
            description = "Score examples whose gold label the model never saw in training as errors and list"
                    + " them under \"unknown_gold\", e.g. for data labelled with a superset of the model's labels"
                    + " on purpose. Default: such a label is refused, naming its file and line.")
    boolean allowUnknownLabels;

    @Mixin BatchSizeOption batchSize;

    @Mixin RuntimeOptions runtime;

    @Option(names = "--attack-epsilon", paramLabel = "E",
            description = "Also score under the epsilon-bounded L2 embedding attack that --adversarial-epsilon"
                    + " trains against (Miyato et al. 2017), reported under \"under_attack\". Default: none.")
    Float attackEpsilon;

    @Option(names = "--plot", paramLabel = "FILE.png|DIR",
            description = "Also draw the confusion matrix: into FILE.png, or into DIR/"
                    + ClassifierPlots.CONFUSION_MATRIX_FILE + " (and, with --attack-epsilon, DIR/" + UNDER_ATTACK_FILE + "). Default: none.")
    Path plot;

    @Spec private CommandSpec spec;

    /** The confusion matrix under attack, beside the clean one in a --plot directory. */
    static final String UNDER_ATTACK_FILE = "confusion_matrix_under_attack.png";

    @Override
    public Integer call() throws IOException, CheckpointException {
        runtime.applyThreads();
        int batch = batchSize.orElse(ClassifierModel.DEFAULT_BATCH_SIZE);
        Dataset dataset = Dataset.read(data, new DatasetColumns(textColumn, textPairColumn, labelColumn));
        UnknownLabels unknownLabels = allowUnknownLabels ? UnknownLabels.COUNT_AS_ERRORS : UnknownLabels.REJECT;
        JsonObject json;
        try (ClassifierModel classifier = ClassifierModel.load(model, runtime.device())) {
            ClassificationMetrics clean = classifier.evaluate(dataset, batch, unknownLabels);
            json = clean.toJsonTree();
            ClassificationMetrics underAttack = null;
            warnAboutMissedClasses(clean);
            if (attackEpsilon != null) {
                underAttack = classifier.evaluateUnderAttack(dataset, batch, attackEpsilon, unknownLabels);
                JsonObject attacked = new JsonObject();
                attacked.addProperty("epsilon", attackEpsilon);
                underAttack.toJsonTree().entrySet().forEach(e -> attacked.add(e.getKey(), e.getValue()));
                json.add(UNDER_ATTACK, attacked);
            }
            if (plot != null) {
                json.add("plots", writePlots(clean, underAttack));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
        out.flush();
        return ToolkitCli.EXIT_OK;
    }

    private JsonArray writePlots(ClassificationMetrics clean, ClassificationMetrics underAttack) throws IOException {
        boolean file = plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
        Path cleanFile = file ? plot : plot.resolve(ClassifierPlots.CONFUSION_MATRIX_FILE);
        JsonArray written = new JsonArray();
        Plots.writePng(Plots.confusionMatrix(clean), cleanFile);
        written.add(cleanFile.toString());
        if (underAttack != null) {
            Path attackedFile = file ? plot.resolveSibling(UNDER_ATTACK_FILE) : plot.resolve(UNDER_ATTACK_FILE);
            Plots.writePng(Plots.confusionMatrix(underAttack), attackedFile);
            written.add(attackedFile.toString());
        }
        return written;
    }

    /**
     * One line on stderr naming every class of the model with examples that it never got right (gold
     * labels the model does not know are listed under "unknown_gold" instead).
     */
    private void warnAboutMissedClasses(ClassificationMetrics metrics) {
        List<String> missed = metrics.perClass().entrySet().stream()
                .filter(e -> e.getValue().support() > 0 && e.getValue().recall() == 0)
                .filter(e -> !metrics.unknownGold().containsKey(e.getKey()))
                .map(e -> e.getKey() + " (support " + e.getValue().support() + ")")
                .toList();
        if (!missed.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("warning: recall 0 for " + String.join(", ", missed)
                    + ": the model never predicts these correctly; try --class-weights balanced when training");
            err.flush();
        }
    }
}
