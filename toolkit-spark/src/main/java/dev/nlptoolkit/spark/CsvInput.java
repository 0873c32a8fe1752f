package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.tasks.score.InputRecord;
import dev.nlptoolkit.tasks.score.OutputSchema;
import dev.nlptoolkit.tasks.score.RecordReader;
import dev.nlptoolkit.tasks.score.ScoreInput;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.TableFormat;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * Reads CSV or TSV files for Spark with the local engine's byte-level {@link RecordReader}, so that a
 * quoted newline never splits a record and a malformed record becomes a row whose hidden error column
 * says why (never a dropped row). A file is read by one task from its start: record boundaries cannot be
 * found from the middle of a file with quoted newlines. The records are then range-partitioned by the
 * local engine's windows over the cluster's default parallelism, so scoring, the costly part, runs in
 * parallel and batches the same rows as the local engine.
 *
 * <p>Paths are read with java.nio: a local file, or a shared mount every node sees.
 */
final class CsvInput {

    /** Record index bits of {@link Columns#ORDER}; the file index sits above them. */
    private static final int RECORD_BITS = 40;
    /** Window index bits of {@link Columns#WINDOW}. */
    private static final int WINDOW_BITS = 32;

    /** What the driver learned from the start of the files. */
    record Head(List<String> columns, boolean header, List<String> files) {}

    private CsvInput() {}

    /**
     * The files of {@code input} (itself, or the regular files of a directory in name order, hidden ones
     * and Spark's {@code _SUCCESS} left out) and their columns, checked against {@code options}.
     *
     * @return null when there is not even a first record: nothing to score and no columns to check
     */
    static Head head(Path input, TableFormat format, char delimiter, boolean header, List<String> labels,
            ScoreOptions options) throws IOException {
        List<String> files = files(input);
        List<String> columns = null;
        for (String file : files) {
            InputRecord first;
            try (RecordReader reader = RecordReader.open(Path.of(file), format, delimiter)) {
                first = reader.next();
            }
            if (first == null) {
                continue;
            }
            if (header && first.error() != null) {
                throw new UserInputException(file + ": line 1, the header: " + first.error());
            }
            List<String> these = header ? first.fields() : OutputSchema.positions(first.fields().size());
            if (columns == null) {
                columns = these;
                OutputSchema.of(columns, header, labels, options);
            } else if (header && !columns.equals(these)) {
                throw new UserInputException(file + ": line 1: the header " + these + " differs from "
                        + files.get(0) + "'s " + columns + "; score files of one table together");
            }
        }
        return columns == null ? null : new Head(columns, header, files);
    }

    private static List<String> files(Path input) throws IOException {
        if (Files.isRegularFile(input) && Files.isReadable(input)) {
            return List.of(input.toString());
        }
        if (!Files.isDirectory(input)) {
            throw new UserInputException(input + ": no such file, or not readable");
        }
        try (Stream<Path> listing = Files.list(input)) {
            List<String> files = listing.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith(".")
                            && !p.getFileName().toString().startsWith("_"))
                    .map(Path::toString).sorted().toList();
            if (files.isEmpty()) {
                throw new UserInputException(input + ": a directory without files to score");
            }
            return files;
        }
    }

    /** The records of every file, in order, as rows of the visible columns and the hidden ones. */
    static Dataset<Row> read(SparkSession spark, Head head, TableFormat format, char delimiter, List<String> labels,
            ScoreOptions options, int windowRows) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> columns = head.columns();
        boolean header = head.header();
        JavaRDD<Row> rows = context.parallelize(head.files(), head.files().size())
                .mapPartitionsWithIndex((fileIndex, files) -> {
                    String file = files.next();
                    OutputSchema schema = OutputSchema.of(columns, header, labels, options);
                    return new Records(file, fileIndex, format, delimiter, header, schema, columns.size(),
                            windowRows);
                }, true);
        List<StructField> fields = new ArrayList<>();
        columns.forEach(name -> fields.add(DataTypes.createStructField(name, DataTypes.StringType, true)));
        fields.add(DataTypes.createStructField(Columns.LINE, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(Columns.ERROR, DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(Columns.WINDOW, DataTypes.LongType, false));
        fields.add(DataTypes.createStructField(Columns.ORDER, DataTypes.LongType, false));
        StructType schema = DataTypes.createStructType(fields);
        int partitions = spark.sparkContext().defaultParallelism();
        return spark.createDataFrame(rows, schema)
                .repartitionByRange(partitions, functions.col(Columns.WINDOW))
                .sortWithinPartitions(Columns.ORDER);
    }

    /** One file's records as rows, the reader closed at its end or when the task ends. */
    private static final class Records implements Iterator<Row> {

        private final String file;
        private final long fileIndex;
        private final OutputSchema schema;
        private final int width;
        private final int windowRows;
        private final RecordReader reader;
        private InputRecord next;
        private long record;

        Records(String file, long fileIndex, TableFormat format, char delimiter, boolean header, OutputSchema schema,
                int width, int windowRows) throws IOException {
            this.file = file;
            this.fileIndex = fileIndex;
            this.schema = schema;
            this.width = width;
            this.windowRows = windowRows;
            this.reader = RecordReader.open(Path.of(file), format, delimiter);
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> closeReader());
            }
            if (header) {
                reader.next();
            }
            advance();
        }

        private void advance() {
            try {
                next = reader.next();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read on: " + e.getMessage(), e);
            }
            if (next == null) {
                closeReader();
            }
        }

        private void closeReader() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot close: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public Row next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            InputRecord current = next;
            advance();
            ScoreInput input = schema.input(current.line(), current.fields(), current.error());
            Object[] values = new Object[width + 4];
            for (int i = 0; i < width && i < current.fields().size(); i++) {
                values[i] = current.fields().get(i);
            }
            values[width] = current.line();
            values[width + 1] = input.ok() ? null : input.error();
            values[width + 2] = (fileIndex << WINDOW_BITS) | (record / windowRows);
            values[width + 3] = (fileIndex << RECORD_BITS) | record;
            record++;
            return RowFactory.create(values);
        }
    }
}
