package dev.nlptoolkit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextInput;
import dev.nlptoolkit.tasks.score.AwkwardFile;
import dev.nlptoolkit.tasks.score.InputRecord;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.RecordReader;
import dev.nlptoolkit.tasks.score.ScoreJob;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreSummary;
import dev.nlptoolkit.tasks.score.TableFormat;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Spark engine in {@code local[2]} against the local engine, on the tiny fixture BERT: the same
 * output bytes for awkward CSV, every record accounted for, Parquet in and out, and the DataFrame API.
 * One session for the class: starting Spark costs seconds.
 */
class SparkScoringTest {

    private static final int AWKWARD_ROWS = 20_000;
    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path model;

    @BeforeAll
    static void startSpark() throws URISyntaxException {
        EngineSettings.threads(1, EngineSettings.current().interOp());
        model = Paths.get(SparkScoringTest.class.getResource("/fixtures/tiny-bert").toURI());
        spark = SparkSession.builder().master("local[2]").appName("SparkScoringTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static ScoreSummary local(Path in, Path out, ScoreOptions options) throws Exception {
        return new LocalScoreEngine(LocalScoreEngine.DEFAULT_WINDOW_ROWS, new PrintWriter(new StringWriter()))
                .run(ScoreJob.of(model, in, out, options));
    }

    private static ScoreSummary spark(ScoreJob job) throws IOException {
        return new SparkScoreEngine().run(job);
    }

    private static List<InputRecord> records(Path csv) throws IOException {
        List<InputRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReader.open(csv, TableFormat.CSV, ',')) {
            for (InputRecord r = reader.next(); r != null; r = reader.next()) {
                assertNull(r.error(), "well-formed output: " + r);
                records.add(r);
            }
        }
        return records;
    }

    @Test
    void awkwardRecordsScoreAsTheLocalEngineScoresThem() throws Exception {
        Path in = dir.resolve("small.csv");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("id,text\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("1,\"a witty, moving film\"\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("2,\"two lines,\nwith \"\"quotes\"\"\"\r\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("3,bad byte \u00e9 ".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {(byte) 0xC3, (byte) 0x28, '\n'});
        bytes.write("4,too,many\n5\n6,\n7,the plot was dull\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("8,\"never closed\n".getBytes(StandardCharsets.UTF_8));
        Files.write(in, bytes.toByteArray());
        ScoreOptions options = ScoreOptions.builder().optIdColumn("id").optAllScores(true).build();
        Path localOut = dir.resolve("small_local.csv");
        Path sparkOut = dir.resolve("small_spark.csv");
        ScoreSummary localSummary = local(in, localOut, options);
        ScoreSummary sparkSummary = spark(job(in, sparkOut, options, null));

        assertEquals(Files.readString(localOut, StandardCharsets.UTF_8),
                Files.readString(sparkOut, StandardCharsets.UTF_8));
        assertEquals(8, sparkSummary.rows());
        assertEquals(localSummary.errors(), sparkSummary.errors());
        assertEquals(5, sparkSummary.errors());
        List<InputRecord> out = records(sparkOut);
        assertEquals(List.of("id", "text", "label", "score", "error", "score_LABEL_0", "score_LABEL_1"),
                out.get(0).fields());
        assertEquals("two lines,\nwith \"quotes\"", out.get(2).fields().get(1));
        assertEquals("", out.get(2).fields().get(4), "a quoted newline is scored");
        assertEquals("line 5 (id '3'): holds bytes that are not UTF-8 (field 2); save the file as UTF-8",
                out.get(3).fields().get(4));
        assertTrue(out.get(4).fields().get(4).startsWith("line 6 (id '4'): has 3 fields"), out.get(4).toString());
        assertEquals("line 8 (id '6'): the text column 'text' is empty", out.get(6).fields().get(4));
        assertTrue(out.get(8).fields().get(4).startsWith("line 10 (id '8'): "), out.get(8).toString());
    }

    private static ScoreJob job(Path in, Path out, ScoreOptions options, TableFormat format) {
        return new ScoreJob(model, in, out, options, format, null, true, DeviceChoice.CPU, 1, false, false, null);
    }

    @Test
    void twentyThousandAwkwardRowsGiveTwentyThousandRecordsInBothEngines() throws Exception {
        Path in = dir.resolve("awkward.csv");
        AwkwardFile awkward = AwkwardFile.write(in, AWKWARD_ROWS);
        ScoreOptions options = ScoreOptions.builder().optIdColumn("id").build();
        Path localOut = dir.resolve("awkward_local.csv");
        Path sparkOut = dir.resolve("awkward_spark.csv");
        local(in, localOut, options);
        ScoreSummary summary = spark(job(in, sparkOut, options, null));

        assertEquals(AWKWARD_ROWS, summary.rows());
        List<InputRecord> out = records(sparkOut);
        assertEquals(AWKWARD_ROWS + 1, out.size());
        long errors = 0;
        for (int i = 0; i < AWKWARD_ROWS; i++) {
            List<String> fields = out.get(i + 1).fields();
            assertEquals(Integer.toString(i), fields.get(0), "record " + i + " kept its place");
            boolean error = !fields.get(4).isEmpty();
            assertEquals(awkward.isError(i), error, "record " + i + ": " + fields.get(4));
            errors += error ? 1 : 0;
        }
        assertEquals(errors, summary.errors());
        assertArrayEquals(Files.readAllBytes(localOut), Files.readAllBytes(sparkOut),
                "both engines batch the same windows: the same bytes");
    }

    @Test
    void parquetInParquetOutMatchesTheLocalEngine() throws Exception {
        List<String> texts = List.of("a gorgeous, witty film", "dull", "", "the acting was great but the plot was not",
                "not very moving", "bad", "café ending");
        Path csv = dir.resolve("parquet_source.csv");
        StringBuilder source = new StringBuilder("id,text\n");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            source.append(i).append(",\"").append(texts.get(i)).append("\"\n");
            rows.add(RowFactory.create((long) i, texts.get(i)));
        }
        Files.writeString(csv, source, StandardCharsets.UTF_8);
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("id", DataTypes.LongType, false),
                DataTypes.createStructField("text", DataTypes.StringType, true)));
        Path in = dir.resolve("in.parquet");
        spark.createDataFrame(rows, schema).repartition(3).sortWithinPartitions("id").write()
                .parquet(in.toString());
        Path out = dir.resolve("out.parquet");
        ScoreOptions options = ScoreOptions.builder().build();
        ScoreSummary summary = spark(job(in, out, options, TableFormat.PARQUET));
        Path localOut = dir.resolve("parquet_local.csv");
        local(csv, localOut, options);

        assertEquals(texts.size(), summary.rows());
        assertEquals(1, summary.errors());
        List<Row> scored = spark.read().parquet(out.toString()).orderBy("id").collectAsList();
        List<InputRecord> expected = records(localOut);
        assertEquals(texts.size(), scored.size());
        for (int i = 0; i < texts.size(); i++) {
            Row row = scored.get(i);
            List<String> want = expected.get(i + 1).fields();
            assertEquals(i, row.getLong(0));
            assertEquals(texts.get(i), row.getString(1));
            assertEquals(want.get(2).isEmpty() ? null : want.get(2), row.getString(2), "label of " + i);
            if (want.get(3).isEmpty()) {
                assertTrue(row.isNullAt(3));
                assertEquals("the text column 'text' is empty", row.getString(4), "Parquet rows have no line");
            } else {
                assertEquals(Double.parseDouble(want.get(3)), row.getDouble(3), TOLERANCE, "score of " + i);
                assertNull(row.getString(4));
            }
        }
    }

    @Test
    void jsonLinesKeepEveryLineAndMatchTheLocalLabels() throws Exception {
        Path in = dir.resolve("in.jsonl");
        Files.writeString(in, "{\"id\": 1, \"text\": \"a witty film\"}\n{\"id\": 2, \"text\": \"dull\"}\n"
                + "{not json\n{\"id\": 4, \"text\": \"\"}\n{\"id\": 5, \"text\": \"moving\"}\n", StandardCharsets.UTF_8);
        Path out = dir.resolve("jsonl_spark.csv");
        ScoreSummary summary = spark(job(in, out, ScoreOptions.builder().build(), null));
        Path localOut = dir.resolve("jsonl_local.jsonl");
        local(in, localOut, ScoreOptions.builder().build());

        assertEquals(5, summary.rows());
        assertEquals(2, summary.errors());
        List<InputRecord> scored = records(out);
        assertEquals(List.of("id", "text", "label", "score", "error"), scored.get(0).fields());
        assertEquals("not valid JSON: {not json", scored.get(3).fields().get(4));
        assertEquals("the text column 'text' is empty", scored.get(4).fields().get(4));
        List<String> localLines = Files.readAllLines(localOut, StandardCharsets.UTF_8);
        for (int row : new int[] {0, 1, 4}) {
            String label = scored.get(row + 1).fields().get(2);
            assertTrue(localLines.get(row).contains("\"label\":\"" + label + "\""), localLines.get(row));
        }
    }

    @Test
    void dataFrameApiAddsTypedColumnsWithTheModelsNumbers() throws Exception {
        List<String> texts = Arrays.asList("a witty film", null, "the plot was dull and the acting bad",
                "moving", "   ", "great great great");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            rows.add(RowFactory.create("r" + i, texts.get(i), i));
        }
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("key", DataTypes.StringType, false),
                DataTypes.createStructField("review", DataTypes.StringType, true),
                DataTypes.createStructField("n", DataTypes.IntegerType, false)));
        Dataset<Row> input = spark.createDataFrame(rows, schema).repartition(2);
        ScoreOptions options = ScoreOptions.builder().optTextColumn("review").optIdColumn("key").optAllScores(true)
                .build();
        Dataset<Row> scored = SparkScoring.score(input, model, options);

        assertEquals(List.of("key", "review", "n", "label", "score", "error", "score_LABEL_0", "score_LABEL_1"),
                List.of(scored.columns()));
        assertEquals(DataTypes.DoubleType, scored.schema().apply("score").dataType());
        assertEquals(DataTypes.IntegerType, scored.schema().apply("n").dataType());
        List<Row> out = scored.orderBy("n").collectAsList();
        try (ClassifierModel direct = ClassifierModel.load(model, DeviceChoice.CPU)) {
            for (int i = 0; i < texts.size(); i++) {
                Row row = out.get(i);
                String text = texts.get(i);
                if (text == null || text.isBlank()) {
                    assertEquals("id 'r" + i + "': the text column 'review' is empty", row.getString(5));
                    assertTrue(row.isNullAt(3) && row.isNullAt(4) && row.isNullAt(6));
                    continue;
                }
                Prediction p = direct.predict(List.of(TextInput.of(text))).get(0);
                assertEquals(p.label(), row.getString(3), text);
                assertEquals(p.probability(), row.getDouble(4), TOLERANCE, text);
                assertEquals(p.probabilities().get("LABEL_0"), row.getDouble(6), TOLERANCE, text);
                assertEquals(1.0, row.getDouble(6) + row.getDouble(7), 1e-9);
            }
        }
    }

    @Test
    void aColumnClashNamesThePrefixAndThePrefixResolvesIt() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("text", DataTypes.StringType, true),
                DataTypes.createStructField("label", DataTypes.StringType, true)));
        Dataset<Row> input = spark.createDataFrame(List.of(RowFactory.create("a witty film", "positive")), schema);
        UserInputException clash = assertThrows(UserInputException.class,
                () -> SparkScoring.score(input, model, ScoreOptions.builder().build()));
        assertTrue(clash.getMessage().contains("--prefix"), clash.getMessage());

        Dataset<Row> scored = SparkScoring.score(input, model, ScoreOptions.builder().optPrefix("pred_").build());
        assertEquals(List.of("text", "label", "pred_label", "pred_score", "pred_error"), List.of(scored.columns()));
        assertEquals("positive", scored.first().getString(1), "the input's label column is kept");
    }

    @Test
    void aTextColumnThatIsNotAStringIsAUserError() {
        StructType schema = DataTypes.createStructType(List.of(
                DataTypes.createStructField("text", DataTypes.IntegerType, true)));
        Dataset<Row> input = spark.createDataFrame(List.of(RowFactory.create(3)), schema);
        UserInputException e = assertThrows(UserInputException.class,
                () -> SparkScoring.score(input, model, ScoreOptions.builder().build()));
        assertEquals("column 'text' is int, not a string; choose a text column with --text-column or cast it",
                e.getMessage());
    }

    @Test
    void aPredictorClosesWithoutClosingItsModel() throws Exception {
        try (ClassifierModel shared = ClassifierModel.load(model, DeviceChoice.CPU)) {
            Prediction before;
            try (ClassifierModel predictor = shared.predictor()) {
                before = predictor.predict(List.of(TextInput.of("a witty film"))).get(0);
            }
            Prediction after = shared.predict(List.of(TextInput.of("a witty film"))).get(0);
            assertEquals(before.label(), after.label());
            assertEquals(before.probability(), after.probability(), 0);
        }
    }
}
