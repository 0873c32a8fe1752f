package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.ModelFingerprint;
import dev.nlptoolkit.tasks.score.ScoreOptions;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores a DataFrame with a classifier, as a plain {@code mapPartitions}: every column as it was, then
 * {@code label} (string), {@code score} (double, the probability of that label), {@code error} (string:
 * why a row was not scored, e.g. an empty text) and with {@link ScoreOptions#allScores()} one double
 * {@code score_<label>} per class. The same labels and scores as the local {@code score} engine; rows keep
 * their order within each partition.
 *
 * <pre>{@code
 * Dataset<Row> reviews = spark.read().parquet("reviews.parquet");
 * Dataset<Row> scored = SparkScoring.score(reviews, Path.of("/models/sst2"),
 *         ScoreOptions.builder().optTextColumn("review").build());
 * scored.write().parquet("scored.parquet");
 * }</pre>
 *
 * <p>The model directory must be readable at the same path on the driver and on every executor (a
 * shared mount, or {@code spark-submit --archives model.zip#model} with the relative path {@code model}).
 * Each executor JVM loads it once and shares it among its tasks; each task predicts with its own
 * predictor and one PyTorch thread ({@link #DEFAULT_THREADS_PER_TASK}).
 */
public final class SparkScoring {

    /** PyTorch intra-op threads per task: Spark already runs one task per core. */
    public static final int DEFAULT_THREADS_PER_TASK = 1;

    private SparkScoring() {}

    /** Scores on the CPU (a GPU when the executor has one) with one PyTorch thread per task. */
    public static Dataset<Row> score(Dataset<Row> input, Path modelDir, ScoreOptions options) {
        return score(input, modelDir, options, DeviceChoice.AUTO, DEFAULT_THREADS_PER_TASK);
    }

    /**
     * Scores {@code input}; lazy, like any transformation: the model is loaded on the executors when an
     * action runs (and once on the driver now, for its labels).
     *
     * @throws UserInputException when the text, pair or id column is absent, the text or pair
     *     column is not a string, or an added column's name is taken (then {@link ScoreOptions#prefix()}
     *     renames ours)
     */
    public static Dataset<Row> score(Dataset<Row> input, Path modelDir, ScoreOptions options, DeviceChoice device,
            int threadsPerTask) {
        if (threadsPerTask < 1) {
            throw new UserInputException("threads per task must be at least 1, got " + threadsPerTask);
        }
        StructType schema = input.schema();
        List<StructField> visible = Columns.visible(schema);
        requireString(visible, options.textColumn(), "--text-column");
        if (options.pairColumn() != null) {
            requireString(visible, options.pairColumn(), "--pair-column");
        }
        ModelRef model = modelRef(modelDir, device);
        List<String> labels = ExecutorModels.shared(model).labels();
        StructType output = Columns.output(visible, labels, options);
        List<String> names = new ArrayList<>();
        visible.forEach(field -> names.add(field.name()));
        ScorePartition partition = new ScorePartition(model, options, names, Columns.Hidden.of(schema),
                threadsPerTask, LocalScoreEngine.DEFAULT_WINDOW_ROWS);
        return input.mapPartitions(partition, Encoders.row(output));
    }

    /** The driver's view of the model: its fingerprint here, which every executor's copy must match. */
    static ModelRef modelRef(Path modelDir, DeviceChoice device) {
        try {
            return new ModelRef(modelDir.toString(), ModelFingerprint.of(modelDir), device);
        } catch (IOException e) {
            throw new UncheckedIOException(modelDir + ": cannot read the model: " + e.getMessage(), e);
        }
    }

    private static void requireString(List<StructField> fields, String name, String option) {
        for (StructField field : fields) {
            if (field.name().equals(name)) {
                if (!field.dataType().equals(DataTypes.StringType)) {
                    throw new UserInputException("column '" + name + "' is " + field.dataType().simpleString()
                            + ", not a string; choose a text column with " + option + " or cast it");
                }
                return;
            }
        }
        // Absent: Columns.output names the columns found and the option.
    }
}
