package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.cli.options.BatchSizeOption;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.ScoreEngine;
import dev.nlptoolkit.tasks.score.ScoreJob;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreSummary;
import dev.nlptoolkit.tasks.score.TableFormat;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit score}: batch scoring of a CSV, TSV or JSON-lines file, streaming, every row accounted for. */
@Command(
        name = "score",
        description = {
            "Classify the text column of every record of --input and write --output: every input column as it"
                    + " was, then label, score (the probability of that label) and error; --all-scores adds"
                    + " score_<label> per class. One output record per input record, in input order.",
            "A record that cannot be scored (wrong field count, empty text, bytes that are not UTF-8, an"
                    + " unterminated quote) gets its reason and line in error; the others are still scored.",
            "Output goes to OUT.partial with OUT.progress.json and is renamed when complete; --resume continues"
                    + " an interrupted run and gives the same bytes. TSV by the .tsv suffix, gzip by .gz (in and"
                    + " out), JSON lines with --format jsonl.",
            "The last line on stderr is {\"rows\", \"scored\", \"errors\", \"seconds\", \"rows_per_second\"}."
                    + " Exit status: 0 completed (even with row errors), 3 more errors than --max-error-rate,"
                    + " 2 could not run (bad input, or a write failed, e.g. a full disk: then OUT is left as it"
                    + " was)."
        })
public final class ScoreCommand implements Callable<Integer> {

    /** The share of error rows passed {@code --max-error-rate}. */
    public static final int EXIT_TOO_MANY_ERRORS = 3;

    /** Where the job runs. */
    public enum Engine {
        LOCAL,
        SPARK
    }

    /** {@code --format}: delimited (CSV, or TSV by the .tsv suffix), JSON lines, or Parquet (Spark engine). */
    public enum Format {
        CSV,
        JSONL,
        PARQUET
    }

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "A model directory train-classifier wrote, or a Hugging Face BERT classifier.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN", description = "The file to score.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT", description = "The scored file.")
    Path output;

    @Option(names = "--text-column", paramLabel = "C", defaultValue = ScoreOptions.DEFAULT_TEXT_COLUMN,
            description = "The column (JSON key) holding the text; _c0, _c1, ... with --no-header."
                    + " Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--pair-column", paramLabel = "C",
            description = "The column holding the second text of a sentence pair. Default: none.")
    String pairColumn;

    @Option(names = "--id-column", paramLabel = "C",
            description = "A column identifying rows, named in error texts. Default: none.")
    String idColumn;

    @Mixin RuntimeOptions runtime;

    @Mixin BatchSizeOption batchSize;

    @Option(names = "--resume",
            description = "Continue the interrupted run that left OUT.partial. Default: ${DEFAULT-VALUE}.")
    boolean resume;

    @Option(names = "--progress", negatable = true,
            description = "Draw a progress bar (rows/s, ETA) on stderr. Default: when stderr is a terminal.")
    Boolean progress;

    @Option(names = "--all-scores",
            description = "Add one score_<label> column per class. Default: ${DEFAULT-VALUE}.")
    boolean allScores;

    @Option(names = "--max-error-rate", paramLabel = "R", defaultValue = "1.0",
            description = "Exit 3 when the share of error rows is above R. Default: ${DEFAULT-VALUE} (never).")
    double maxErrorRate;

    @Option(names = "--summary", paramLabel = "FILE", description = "Also write the summary JSON here.")
    Path summaryFile;

    @Option(names = "--delimiter", paramLabel = "D",
            description = "The field delimiter (one character; \\t or tab for a tab). Default: , or a tab for .tsv.")
    String delimiter;

    @Option(names = "--no-header",
            description = "The input has no header: columns are _c0, _c1, ... and the output has none either."
                    + " Default: ${DEFAULT-VALUE}.")
    boolean noHeader;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES} (input and output; parquet with --engine spark)."
                    + " Default: by name (.jsonl, .parquet).")
    Format format;

    @Option(names = "--prefix", paramLabel = "P", defaultValue = "",
            description = "Put before the added column names, when the input has a label, score or error column."
                    + " Default: none.")
    String prefix;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "LOCAL",
            description = "${COMPLETION-CANDIDATES}; spark needs the toolkit-spark module. Default: ${DEFAULT-VALUE}.")
    Engine engine;

    @Option(names = "--master", paramLabel = "URL",
            description = "The Spark master with --engine spark, e.g. local[2]. Default: Spark's own.")
    String master;

    /** Rows per window: the resume granularity. A tuning and test knob, hence hidden. */
    @Option(names = "--window-rows", hidden = true, defaultValue = "" + LocalScoreEngine.DEFAULT_WINDOW_ROWS)
    int windowRows;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws IOException, CheckpointException {
        if (maxErrorRate < 0 || maxErrorRate > 1) {
            throw new UserInputException("--max-error-rate must be between 0 and 1, got " + maxErrorRate);
        }
        ScoreOptions options = ScoreOptions.builder()
                .optTextColumn(textColumn)
                .optPairColumn(pairColumn)
                .optIdColumn(idColumn)
                .optPrefix(prefix)
                .optAllScores(allScores)
                .optBatchSize(batchSize.orElse(ClassifierModel.DEFAULT_BATCH_SIZE))
                .build();
        TableFormat tableFormat = format == null ? null : TableFormat.valueOf(format.name());
        boolean showProgress = progress != null ? progress : System.console() != null;
        ScoreJob job = new ScoreJob(model, input, output, options, tableFormat, delimiter(delimiter), !noHeader,
                runtime.device(), runtime.threads(), resume, showProgress, master);
        PrintWriter err = spec.commandLine().getErr();
        ScoreSummary summary = engine(engine, windowRows, err).run(job);
        String json = summary.toJson().toString();
        if (summaryFile != null) {
            AtomicFiles.writeString(summaryFile, json + "\n");
        }
        err.println(json);
        err.flush();
        return summary.errorRate() > maxErrorRate ? EXIT_TOO_MANY_ERRORS : ToolkitCli.EXIT_OK;
    }

    /** The engine to run; Spark's comes from the toolkit-spark module, loaded by name. */
    static ScoreEngine engine(Engine choice, int windowRows, PrintWriter err) {
        if (choice == Engine.LOCAL) {
            return new LocalScoreEngine(windowRows, err);
        }
        try {
            return Class.forName(ScoreEngine.SPARK_ENGINE_CLASS).asSubclass(ScoreEngine.class)
                    .getConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new UserInputException("--engine spark needs the toolkit-spark module on the class path ("
                    + ScoreEngine.SPARK_ENGINE_CLASS + " is not there): build it with mvn -B -pl toolkit-spark -am"
                    + " package -DskipTests, then run ./toolkit again", e);
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalStateException(ScoreEngine.SPARK_ENGINE_CLASS + " cannot be created: " + e, e);
        }
    }

    /** {@code --delimiter}: one character, with {@code \t} and {@code tab} for a tab. */
    static Character delimiter(String value) {
        if (value == null) {
            return null;
        }
        String text = value.equals("\\t") || value.toLowerCase(Locale.ROOT).equals("tab") ? "\t" : value;
        if (text.length() != 1 || text.equals("\"") || text.equals("\n") || text.equals("\r")) {
            throw new UserInputException("--delimiter must be one character other than a quote or a newline"
                    + " (\\t or tab for a tab), got '" + value + "'");
        }
        return text.charAt(0);
    }
}
