package dev.nlptoolkit.tasks.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextInput;
import dev.nlptoolkit.tasks.cli.ScoreCommand;
import dev.nlptoolkit.tasks.cli.ToolkitCli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** {@code toolkit score} with the local engine, on the tiny Hugging Face BERT fixture. */
class ScoreCommandTest {

    private static final int AWKWARD_ROWS = 20_000;
    private static final String WINDOW_ROWS = "1000";
    private static final String BATCH_SIZE = "16";
    private static final long KILL_TIMEOUT_SECONDS = 120;

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Path model;
    private static Path awkward;
    private static AwkwardFile awkwardFile;
    private static Path reference;
    private static Execution referenceRun;

    private record Execution(int status, String out, String err) {

        String lastErrLine() {
            List<String> lines = err.lines().toList();
            return lines.get(lines.size() - 1);
        }

        JsonObject summary() {
            return JsonParser.parseString(lastErrLine()).getAsJsonObject();
        }
    }

    private static Execution score(String... args) {
        CommandLine cli = ToolkitCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("score", "--model", model.toString(), "--device", "cpu",
                "--no-progress"));
        all.addAll(List.of(args));
        int status = cli.execute(all.toArray(String[]::new));
        return new Execution(status, out.toString(), err.toString());
    }

    /** The arguments of the awkward-file run that the kill test reproduces. */
    private static List<String> awkwardArgs(Path output) {
        return List.of("--input", awkward.toString(), "--output", output.toString(), "--window-rows", WINDOW_ROWS,
                "--batch-size", BATCH_SIZE);
    }

    @BeforeAll
    static void scoreTheAwkwardFileOnce() throws IOException, URISyntaxException {
        EngineSettings.threads(1, EngineSettings.current().interOp());
        model = Paths.get(ScoreCommandTest.class.getResource("/fixtures/tiny-bert").toURI());
        awkward = shared.resolve("awkward.csv");
        awkwardFile = AwkwardFile.write(awkward, AWKWARD_ROWS);
        reference = shared.resolve("awkward_scored.csv");
        referenceRun = score(awkwardArgs(reference).toArray(String[]::new));
    }

    private static List<InputRecord> records(Path file) throws IOException {
        List<InputRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReader.open(file, TableFormat.of(file, null),
                TableFormat.of(file, null) == TableFormat.TSV ? '\t' : ',')) {
            for (InputRecord r = reader.next(); r != null; r = reader.next()) {
                assertEquals(null, r.error(), "the output is well-formed: " + r);
                records.add(r);
            }
        }
        return records;
    }

    @Test
    void everyAwkwardRecordGivesOneOutputRecordInInputOrder() throws IOException {
        assertEquals(ToolkitCli.EXIT_OK, referenceRun.status(), referenceRun.err());
        List<InputRecord> out = records(reference);
        assertEquals(List.of("id", "text", "label", "score", "error"), out.get(0).fields());
        assertEquals(AWKWARD_ROWS + 1, out.size());
        int errors = 0;
        for (int i = 0; i < AWKWARD_ROWS; i++) {
            List<String> fields = out.get(i + 1).fields();
            assertEquals(5, fields.size(), "record " + i);
            assertEquals(Integer.toString(i), fields.get(0), "record " + i + " kept its id and its place");
            boolean error = !fields.get(4).isEmpty();
            assertEquals(awkwardFile.isError(i), error, "record " + i + ": " + fields);
            if (error) {
                errors++;
                assertTrue(fields.get(2).isEmpty() && fields.get(3).isEmpty(), fields.toString());
                assertTrue(fields.get(4).startsWith("line "), fields.get(4));
            } else {
                assertTrue(fields.get(2).startsWith("LABEL_"), fields.toString());
                assertTrue(fields.get(3).matches("0\\.\\d{6}"), "six digits: " + fields.get(3));
            }
        }
        JsonObject summary = referenceRun.summary();
        assertEquals(AWKWARD_ROWS, summary.get("rows").getAsLong());
        assertEquals(errors, summary.get("errors").getAsLong());
        assertEquals(AWKWARD_ROWS - errors, summary.get("scored").getAsLong());
        assertTrue(summary.get("rows_per_second").getAsDouble() > 0);
        assertFalse(Files.exists(LocalScoreEngine.partialFile(reference)));
        assertFalse(Files.exists(LocalScoreEngine.progressFile(reference)));

        int middle = awkwardFile.middleQuote;
        String mid = out.get(middle + 1).fields().get(4);
        assertTrue(mid.contains("not closed within 1 MiB"), mid);
        assertTrue(out.get(middle + 2).fields().get(1).length() > 1_000_000, "the 1 MB text is read whole");
        assertTrue(out.get(AWKWARD_ROWS).fields().get(4).contains("not closed before the end of the file"));
    }

    @Test
    void scoresAreTheModelsProbabilitiesAndOtherTextsAreUntouched() throws IOException, Exception {
        Path in = Files.writeString(tmp.resolve("in.csv"), "id,text\n1,\"The movie was a total waste of time.\"\n"
                + "2,\"caf\u00e9, \"\"quoted\"\"\r\nline\"\r\n");
        Path out = tmp.resolve("out.csv");
        Execution run = score("--input", in.toString(), "--output", out.toString(), "--all-scores");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        List<InputRecord> records = records(out);
        assertEquals(List.of("id", "text", "label", "score", "error", "score_LABEL_0", "score_LABEL_1"),
                records.get(0).fields());
        assertEquals("caf\u00e9, \"quoted\"\r\nline", records.get(2).fields().get(1));
        try (ClassifierModel direct = ClassifierModel.load(model, DeviceChoice.CPU)) {
            List<Prediction> expected = direct.predict(List.of(TextInput.of("The movie was a total waste of time."),
                    TextInput.of("caf\u00e9, \"quoted\"\r\nline")), 1, 0);
            for (int i = 0; i < 2; i++) {
                List<String> fields = records.get(i + 1).fields();
                Prediction p = expected.get(i);
                assertEquals(p.label(), fields.get(2));
                assertEquals(p.probability(), Double.parseDouble(fields.get(3)), 1e-6);
                assertEquals(p.probabilities().get("LABEL_0"), Double.parseDouble(fields.get(5)), 1e-6);
                assertEquals(p.probabilities().get("LABEL_1"), Double.parseDouble(fields.get(6)), 1e-6);
            }
        }
    }

    @Test
    void emptyAndHeaderOnlyFilesGiveJustTheHeader() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        Path out = tmp.resolve("empty_out.csv");
        Execution run = score("--input", empty.toString(), "--output", out.toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        assertEquals("label,score,error\n", Files.readString(out));
        assertEquals(0, run.summary().get("rows").getAsLong());

        Path headerOnly = Files.writeString(tmp.resolve("header.csv"), "id,text\r\n");
        run = score("--input", headerOnly.toString(), "--output", out.toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        assertEquals("id,text,label,score,error\n", Files.readString(out));
    }

    @Test
    void aMissingInputOrModelExitsTwoWithOneLine() {
        Execution noInput = score("--input", tmp.resolve("absent.csv").toString(), "--output",
                tmp.resolve("out.csv").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, noInput.status());
        assertEquals("toolkit: " + tmp.resolve("absent.csv") + ": no such file, or not readable",
                noInput.err().strip());
        CommandLine cli = ToolkitCli.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("score", "--model", tmp.resolve("no-model").toString(), "--input",
                awkward.toString(), "--output", tmp.resolve("out.csv").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, status);
        assertTrue(err.toString().startsWith("toolkit: " + tmp.resolve("no-model")), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void aMissingTextColumnExitsTwoWithOneLine() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.csv"), "id,review\n1,good\n");
        Execution run = score("--input", in.toString(), "--output", tmp.resolve("out.csv").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("no column 'text' in the header; columns found: id, review"), run.err());
        assertFalse(Files.exists(tmp.resolve("out.csv")));
    }

    @Test
    void aColumnClashExitsTwoNamingThePrefixOption() throws IOException {
        Path in = Files.writeString(tmp.resolve("labelled.csv"), "text,label\ngood film,pos\n");
        Path out = tmp.resolve("out.csv");
        Execution run = score("--input", in.toString(), "--output", out.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().contains("already has a column 'label'") && run.err().contains("--prefix P"), run.err());
        Execution prefixed = score("--input", in.toString(), "--output", out.toString(), "--prefix", "pred_");
        assertEquals(ToolkitCli.EXIT_OK, prefixed.status(), prefixed.err());
        assertEquals(List.of("text", "label", "pred_label", "pred_score", "pred_error"), records(out).get(0).fields());
    }

    @Test
    void tooManyErrorRowsExitThreeWithTheFileComplete() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.csv"), "id,text\n1,fine\n2,\n3,also fine\n");
        Path out = tmp.resolve("out.csv");
        Path summary = tmp.resolve("summary.json");
        Execution run = score("--input", in.toString(), "--output", out.toString(), "--max-error-rate", "0.25",
                "--summary", summary.toString());
        assertEquals(ScoreCommand.EXIT_TOO_MANY_ERRORS, run.status(), run.err());
        assertEquals(4, records(out).size());
        assertEquals("line 3: the text column 'text' is empty", records(out).get(2).fields().get(4));
        assertEquals(run.lastErrLine(), Files.readString(summary).strip());
        JsonObject json = run.summary();
        assertEquals(List.of("rows", "scored", "errors", "seconds", "rows_per_second"), List.copyOf(json.keySet()));
        assertEquals(1, json.get("errors").getAsInt());
        assertEquals(ToolkitCli.EXIT_OK,
                score("--input", in.toString(), "--output", out.toString(), "--max-error-rate", "0.5").status());
    }

    @Test
    void gzipTsvJsonLinesPairsAndHeaderlessFiles() throws IOException {
        Path tsv = tmp.resolve("in.tsv.gz");
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(tsv))) {
            gz.write("text\tsecond\n\"literal\" quotes\tand a pair\n".getBytes(StandardCharsets.UTF_8));
        }
        Path gzOut = tmp.resolve("out.csv.gz");
        Execution run = score("--input", tsv.toString(), "--output", gzOut.toString(), "--pair-column", "second");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        String csv;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gzOut))) {
            csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(csv.startsWith("text,second,label,score,error\n\"\"\"literal\"\" quotes\",and a pair,LABEL_"), csv);

        Path jsonl = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"good\", \"n\": 1}\nnot json\n"
                + "{\"label\": 3}\n");
        Path jsonOut = tmp.resolve("out.jsonl");
        Execution json = score("--input", jsonl.toString(), "--output", jsonOut.toString(), "--format", "jsonl");
        assertEquals(ToolkitCli.EXIT_OK, json.status(), json.err());
        List<String> lines = Files.readAllLines(jsonOut);
        assertEquals(3, lines.size());
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertEquals(List.of("text", "n", "label", "score", "error"), List.copyOf(first.keySet()));
        assertTrue(first.get("error").isJsonNull());
        assertTrue(lines.get(1).startsWith("{\"label\":null,\"score\":null,\"error\":\"line 2: not valid JSON"),
                lines.get(1));
        assertTrue(lines.get(2).contains("line 3: the input already has a key 'label'"), lines.get(2));
        Path labelled = Files.writeString(tmp.resolve("labelled.jsonl"), "{\"text\": \"good\", \"label\": 1}\n");
        Execution clash = score("--input", labelled.toString(), "--output", jsonOut.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, clash.status(), "the first record clashes: exit 2");
        assertTrue(clash.err().contains("--prefix P"), clash.err());

        Path headerless = Files.writeString(tmp.resolve("bare.csv"), "7,first text\n8,second text\n");
        Path bareOut = tmp.resolve("bare_out.csv");
        Execution bare = score("--input", headerless.toString(), "--output", bareOut.toString(), "--no-header",
                "--text-column", "_c1");
        assertEquals(ToolkitCli.EXIT_OK, bare.status(), bare.err());
        List<InputRecord> records = records(bareOut);
        assertEquals(2, records.size());
        assertEquals("7", records.get(0).fields().get(0));
        Execution wrongName = score("--input", headerless.toString(), "--output", bareOut.toString(), "--no-header");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, wrongName.status());
        assertTrue(wrongName.err().contains("named by position, _c0, _c1"), wrongName.err());
    }

    @Test
    void theSparkEngineOutsideItsModuleExitsTwoSayingHowToGetIt() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.csv"), "text\nfine\n");
        Execution run = score("--input", in.toString(), "--output", tmp.resolve("out.csv").toString(),
                "--engine", "spark", "--master", "local[2]");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().contains("needs the toolkit-spark module on the class path"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void resumeRefusesAGzipOutputAndAChangedInput() throws IOException {
        Path in = Files.writeString(tmp.resolve("in.csv"), "text\nfine\n");
        Execution gz = score("--input", in.toString(), "--output", tmp.resolve("out.csv.gz").toString(), "--resume");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, gz.status());
        assertTrue(gz.err().contains("cannot resume onto a gzip output"), gz.err());

        Path out = tmp.resolve("out.csv");
        Files.writeString(LocalScoreEngine.partialFile(out), "text,label,score,error\n");
        new ProgressRecord(1, 1, 0, 23, 5, 2, Files.size(in) + 1, 0, "x", "y")
                .write(LocalScoreEngine.progressFile(out));
        Execution changed = score("--input", in.toString(), "--output", out.toString(), "--resume");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, changed.status());
        assertTrue(changed.err().contains("changed since the interrupted run"), changed.err());
    }

    /**
     * A child JVM running the CLI is killed with SIGKILL after its first windows reached the disk; the
     * resumed run's file equals the uninterrupted run's byte for byte.
     */
    @Test
    void aKilledRunResumesToTheSameBytes() throws Exception {
        Path out = tmp.resolve("killed.csv");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ToolkitCli.class.getName(), "score",
                "--model", model.toString(), "--device", "cpu", "--threads", "1", "--no-progress"));
        command.addAll(awkwardArgs(out));
        Process child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("child.log").toFile()).start();
        Path progress = LocalScoreEngine.progressFile(out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(KILL_TIMEOUT_SECONDS);
        while (!flushedTwoWindows(progress) && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child finished or failed before it could be killed: "
                + Files.readString(tmp.resolve("child.log")));
        child.destroyForcibly().waitFor();
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        assertFalse(Files.exists(out));
        assertTrue(Files.exists(LocalScoreEngine.partialFile(out)));

        List<String> args = new ArrayList<>(awkwardArgs(out));
        args.add("--resume");
        Execution resumed = score(args.toArray(String[]::new));
        assertEquals(ToolkitCli.EXIT_OK, resumed.status(), resumed.err());
        assertTrue(resumed.err().contains("resuming"), resumed.err());
        assertEquals(referenceRun.summary().get("errors"), resumed.summary().get("errors"));
        assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(out));
    }

    private static boolean flushedTwoWindows(Path progress) {
        try {
            return ProgressRecord.read(progress).rows() >= 2 * Long.parseLong(WINDOW_ROWS);
        } catch (UserInputException | IOException e) {
            return false;
        }
    }
}
