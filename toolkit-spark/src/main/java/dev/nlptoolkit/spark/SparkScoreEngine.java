package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.OutputSchema;
import dev.nlptoolkit.tasks.score.RecordWriter;
import dev.nlptoolkit.tasks.score.ScoreEngine;
import dev.nlptoolkit.tasks.score.ScoreJob;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreResult;
import dev.nlptoolkit.tasks.score.ScoreSummary;
import dev.nlptoolkit.tasks.score.TableFormat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * {@code score --engine spark}: the same job as {@link LocalScoreEngine} as a Spark job. Reads CSV or TSV
 * ({@link CsvInput}: whole files, records never split), JSON lines or Parquet (split across tasks);
 * writes one CSV or TSV file in input order, or a Parquet directory ({@code .parquet} output name, or
 * {@code --format parquet}).
 *
 * <p>CSV output: the scored rows are persisted on the executors, counted, then streamed to the driver a
 * partition at a time and written there by the local engine's writer, so the file has the same bytes
 * as the local engine's for the same input. Parquet output is written by the executors, part files in
 * input order. No {@code --resume}: a failed Spark task is retried by Spark instead.
 */
public final class SparkScoreEngine implements ScoreEngine {

    /** The master when neither the job nor spark-submit names one. */
    public static final String DEFAULT_MASTER = "local[*]";
    private static final String JSON_CORRUPT = "_corrupt_record";
    /** Characters of a malformed JSON line quoted in its error. */
    private static final int JSON_EXCERPT = 40;
    private static final String SIMPLE_LOGGER = "org.slf4j.simpleLogger.";
    private static final double NANOS_PER_SECOND = 1e9;

    @Override
    public ScoreSummary run(ScoreJob job) throws IOException {
        long start = System.nanoTime();
        if (job.resume()) {
            throw new UserInputException("--resume is for the local engine; a Spark job retries failed tasks"
                    + " itself: run it again without --resume");
        }
        quietSpark();
        boolean existing = SparkSession.getActiveSession().isDefined();
        SparkSession spark = session(job.master());
        try {
            Counts counts = score(spark, job);
            double seconds = (System.nanoTime() - start) / NANOS_PER_SECOND;
            return new ScoreSummary(counts.rows, counts.scored, counts.errors, seconds,
                    counts.rows / Math.max(seconds, 1e-9));
        } finally {
            if (!existing) {
                spark.stop();
            }
        }
    }

    private record Counts(long rows, long scored, long errors) {}

    private static Counts score(SparkSession spark, ScoreJob job) throws IOException {
        ScoreOptions options = job.options();
        int threads = job.threads() != null ? job.threads() : SparkScoring.DEFAULT_THREADS_PER_TASK;
        ModelRef model = SparkScoring.modelRef(job.model(), job.device());
        List<String> labels = ExecutorModels.shared(model).labels();
        boolean parquetOut = job.outputFormat() == TableFormat.PARQUET;
        TableFormat outFormat = parquetOut ? null : job.outputFormat();
        if (outFormat == TableFormat.JSONL) {
            throw new UserInputException(job.output() + ": the Spark engine writes CSV, TSV or Parquet"
                    + " (--format parquet); JSON lines output is the local engine's");
        }
        // --format parquet names the output's format; the input goes by its name (.parquet, .jsonl, .tsv, else CSV).
        TableFormat inFormat = job.format() == TableFormat.PARQUET ? TableFormat.of(job.input(), null)
                : job.inputFormat();
        Dataset<Row> input;
        // Parquet and JSON lines name their columns: a delimited output then has a header.
        boolean header = true;
        if (inFormat == TableFormat.PARQUET) {
            input = spark.read().parquet(job.input().toString());
        } else if (inFormat == TableFormat.JSONL) {
            input = jsonLines(spark, job.input());
        } else {
            CsvInput.Head head = CsvInput.head(job.input(), inFormat, job.delimiter(inFormat), job.header(), labels,
                    options);
            if (head == null) {
                if (parquetOut) {
                    spark.createDataFrame(List.<Row>of(), DataTypes.createStructType(
                            Columns.added(OutputSchema.addedColumns(labels, options))))
                            .write().mode(SaveMode.Overwrite).parquet(job.output().toString());
                } else {
                    writeEmpty(job, outFormat, labels);
                }
                return new Counts(0, 0, 0);
            }
            input = CsvInput.read(spark, head, inFormat, job.delimiter(inFormat), labels, options,
                    LocalScoreEngine.DEFAULT_WINDOW_ROWS);
            header = job.header();
        }
        Dataset<Row> scored = SparkScoring.score(input, job.model(), options, job.device(), threads)
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            String error = scored.columns()[scored.columns().length - 1 - (options.allScores() ? labels.size() : 0)];
            Row totals = scored.agg(functions.count(functions.lit(1)), functions.count(functions.col(error)))
                    .first();
            long rows = totals.getLong(0);
            long errors = totals.getLong(1);
            if (parquetOut) {
                scored.write().mode(SaveMode.Overwrite).parquet(job.output().toString());
            } else {
                writeDelimited(scored, job, outFormat, header, labels);
            }
            return new Counts(rows, rows - errors, errors);
        } finally {
            scored.unpersist();
        }
    }

    /**
     * JSON lines with Spark's reader (split across tasks; columns in Spark's inferred order): a line that
     * is not a JSON object becomes a row whose error says so, with the line's start, never a dropped row.
     */
    private static Dataset<Row> jsonLines(SparkSession spark, Path input) {
        Dataset<Row> rows = spark.read().option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", JSON_CORRUPT).json(input.toString());
        if (!List.of(rows.columns()).contains(JSON_CORRUPT)) {
            return rows;
        }
        // Spark refuses a query of raw JSON that reads only the corrupt-record column unless it is cached.
        rows = rows.cache();
        return rows.withColumn(Columns.ERROR, functions.when(functions.col(JSON_CORRUPT).isNotNull(),
                functions.concat(functions.lit("not valid JSON: "),
                        functions.substring(functions.col(JSON_CORRUPT), 1, JSON_EXCERPT))))
                .drop(JSON_CORRUPT);
    }

    /** One file, rows in partition order, written by the driver with the local engine's writer. */
    private static void writeDelimited(Dataset<Row> scored, ScoreJob job, TableFormat format, boolean header,
            List<String> labels) throws IOException {
        int visible = scored.columns().length - Columns.ADDED_FIXED
                - (job.options().allScores() ? labels.size() : 0);
        List<String> names = new ArrayList<>(List.of(scored.columns()).subList(0, visible));
        OutputSchema schema = OutputSchema.of(names, true, labels, job.options());
        AtomicFiles.write(job.output(), stream -> {
            OutputStream out = TableFormat.gzip(job.output()) ? new GZIPOutputStream(stream, 1 << 16) : stream;
            RecordWriter writer = new RecordWriter(out, job.delimiter(format));
            if (header) {
                writer.writeRecord(schema.columns());
            }
            Iterator<Row> rows = scored.toLocalIterator();
            while (rows.hasNext()) {
                Row row = rows.next();
                List<String> fields = new ArrayList<>(visible);
                for (int i = 0; i < visible; i++) {
                    Object value = row.get(i);
                    fields.add(value == null ? null : value.toString());
                }
                writer.writeRecord(schema.output(fields, result(row, visible, labels.size(),
                        job.options().allScores())));
            }
            writer.flush();
            if (out instanceof GZIPOutputStream gzip) {
                gzip.finish();
            }
        });
    }

    /** The scorer's result back from the added columns of a scored row. */
    private static ScoreResult result(Row row, int at, int labels, boolean allScores) {
        String error = row.getString(at + 2);
        if (error != null) {
            return new ScoreResult(null, Double.NaN, null, error);
        }
        double[] scores = null;
        if (allScores) {
            scores = new double[labels];
            for (int c = 0; c < labels; c++) {
                scores[c] = row.getDouble(at + Columns.ADDED_FIXED + c);
            }
        }
        return new ScoreResult(row.getString(at), row.getDouble(at + 1), scores, null);
    }

    /** An input without a single record: the output is the header of the added columns, as locally. */
    private static void writeEmpty(ScoreJob job, TableFormat format, List<String> labels) throws IOException {
        AtomicFiles.write(job.output(), stream -> {
            OutputStream out = TableFormat.gzip(job.output()) ? new GZIPOutputStream(stream, 1 << 16) : stream;
            RecordWriter writer = new RecordWriter(out, job.delimiter(format));
            if (job.header()) {
                writer.writeRecord(OutputSchema.addedColumns(labels, job.options()));
            }
            writer.flush();
            if (out instanceof GZIPOutputStream gzip) {
                gzip.finish();
            }
        });
    }

    private static SparkSession session(String master) {
        SparkSession.Builder builder = SparkSession.builder().appName("toolkit score");
        if (master != null) {
            builder.master(master);
        } else if (System.getProperty("spark.master") == null) {
            builder.master(DEFAULT_MASTER);
        }
        return builder.getOrCreate();
    }

    /**
     * Spark logs at WARN through slf4j-simple unless a default level was set (as {@code --verbose} does):
     * stderr carries the command's own messages. Effective for loggers created from now on, which is
     * all of Spark's when no session ran before in this JVM.
     */
    private static void quietSpark() {
        if (System.getProperty(SIMPLE_LOGGER + "defaultLogLevel") != null) {
            return;
        }
        for (String name : List.of("org.apache.spark", "org.sparkproject", "org.apache.parquet", "io.netty")) {
            System.setProperty(SIMPLE_LOGGER + "log." + name, "warn");
        }
        // Hadoop warns on every run that it has no native library, which Spark does not need.
        System.setProperty(SIMPLE_LOGGER + "log.org.apache.hadoop", "error");
    }
}
