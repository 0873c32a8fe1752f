package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** {@code toolkit bleu} against sacrebleu 2.6's numbers in test-fixtures/bleu/cases.json. */
class BleuCommandTest {

    private static final double TOLERANCE = 1e-9;
    private static final String MULTI30K_CASE = "multi30k val.de sample of 300, perturbed";
    private static final String TWO_REFERENCES_CASE = "two references";

    private static JsonObject cases;

    @TempDir Path tmp;

    @BeforeAll
    static void readCases() throws Exception {
        Path file = Paths.get(BleuCommandTest.class.getResource("/fixtures/bleu/cases.json").toURI());
        cases = new JsonObject();
        for (JsonElement c : JsonParser.parseString(Files.readString(file)).getAsJsonObject().getAsJsonArray("cases")) {
            cases.add(c.getAsJsonObject().get("name").getAsString(), c);
        }
    }

    private static List<String> strings(JsonArray array) {
        List<String> strings = new ArrayList<>();
        array.forEach(e -> strings.add(e.getAsString()));
        return strings;
    }

    private Path write(String name, List<String> lines) throws Exception {
        return Files.writeString(tmp.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    /** sacreBLEU's result for the case under the given BLEU settings (as written in the fixture). */
    private static JsonObject expected(String caseName, String metric, String settings) {
        for (JsonElement result : cases.getAsJsonObject(caseName).getAsJsonArray(metric)) {
            if (result.getAsJsonObject().get("settings").toString().equals(settings)) {
                return result.getAsJsonObject();
            }
        }
        throw new AssertionError("no " + metric + " result with settings " + settings + " in " + caseName);
    }

    private static double[] doubles(JsonArray array) {
        return array.asList().stream().mapToDouble(JsonElement::getAsDouble).toArray();
    }

    private static void assertSacreBleu(JsonObject bleu, JsonObject chrf, JsonObject printed) {
        assertEquals(bleu.get("score").getAsDouble(), printed.get("bleu").getAsDouble(), TOLERANCE);
        assertArrayEquals(doubles(bleu.getAsJsonArray("precisions")), doubles(printed.getAsJsonArray("precisions")),
                TOLERANCE);
        assertEquals(bleu.get("bp").getAsDouble(), printed.get("bp").getAsDouble(), TOLERANCE);
        assertEquals(bleu.get("sys_len").getAsLong(), printed.get("sys_len").getAsLong());
        assertEquals(bleu.get("ref_len").getAsLong(), printed.get("ref_len").getAsLong());
        assertEquals(chrf.get("score").getAsDouble(), printed.get("chrf").getAsDouble(), TOLERANCE);
        JsonObject signature = printed.getAsJsonObject("signature");
        assertEquals(bleu.get("signature").getAsString(), signature.get("bleu").getAsString());
        assertEquals(chrf.get("signature").getAsString(), signature.get("chrF2").getAsString());
    }

    @Test
    void printsSacreBleusCorpusBleuAndChrf() throws Exception {
        JsonObject testCase = cases.getAsJsonObject(MULTI30K_CASE);
        Path hyp = write("hyp.txt", strings(testCase.getAsJsonArray("hypotheses")));
        Path ref = write("ref.txt", strings(testCase.getAsJsonArray("references").get(0).getAsJsonArray()));

        Execution run = Cli.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString());

        assertEquals(0, run.status(), run.err());
        JsonObject printed = JsonParser.parseString(run.out()).getAsJsonObject();
        assertSacreBleu(expected(MULTI30K_CASE, "bleu", "{}"), expected(MULTI30K_CASE, "chrf", "{}"), printed);
        assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
                printed.getAsJsonObject("signature").get("bleu").getAsString());
        assertEquals(68.38, printed.get("bleu").getAsDouble(), 0.01);
    }

    @Test
    void tokenizeAndLowercaseChangeBleuAsInSacreBleu() throws Exception {
        JsonObject testCase = cases.getAsJsonObject(MULTI30K_CASE);
        Path hyp = write("hyp.txt", strings(testCase.getAsJsonArray("hypotheses")));
        Path ref = write("ref.txt", strings(testCase.getAsJsonArray("references").get(0).getAsJsonArray()));

        Execution run =
                Cli.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString(), "--tokenize", "intl", "--lowercase");

        assertEquals(0, run.status(), run.err());
        JsonObject printed = JsonParser.parseString(run.out()).getAsJsonObject();
        // sacreBLEU's --lowercase is BLEU's; chrF keeps its defaults.
        assertSacreBleu(expected(MULTI30K_CASE, "bleu", "{\"tokenize\":\"intl\",\"lowercase\":true}"),
                expected(MULTI30K_CASE, "chrf", "{}"), printed);
    }

    @Test
    void repeatedRefGivesSeveralReferencesPerSegment() throws Exception {
        JsonObject testCase = cases.getAsJsonObject(TWO_REFERENCES_CASE);
        JsonArray streams = testCase.getAsJsonArray("references");
        Path hyp = write("hyp.txt", strings(testCase.getAsJsonArray("hypotheses")));
        Path ref1 = write("ref1.txt", strings(streams.get(0).getAsJsonArray()));
        Path ref2 = write("ref2.txt", strings(streams.get(1).getAsJsonArray()));
        // Gzip is read, as sacreBLEU reads it.
        Path ref2gz = tmp.resolve("ref2.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(ref2gz))) {
            out.write(Files.readAllBytes(ref2));
        }

        Execution run = Cli.run("bleu", "--hyp", hyp.toString(), "--ref", ref1.toString(), "--ref", ref2gz.toString());

        assertEquals(0, run.status(), run.err());
        assertSacreBleu(expected(TWO_REFERENCES_CASE, "bleu", "{}"), expected(TWO_REFERENCES_CASE, "chrf", "{}"),
                JsonParser.parseString(run.out()).getAsJsonObject());
    }

    @Test
    void hypDashReadsStandardInput() throws Exception {
        JsonObject testCase = cases.getAsJsonObject(MULTI30K_CASE);
        Path hyp = write("hyp.txt", strings(testCase.getAsJsonArray("hypotheses")));
        Path ref = write("ref.txt", strings(testCase.getAsJsonArray("references").get(0).getAsJsonArray()));
        InputStream stdin = System.in;
        Execution run;
        try (InputStream in = Files.newInputStream(hyp)) {
            System.setIn(in);
            run = Cli.run("bleu", "--hyp", "-", "--ref", ref.toString());
        } finally {
            System.setIn(stdin);
        }

        assertEquals(0, run.status(), run.err());
        assertSacreBleu(expected(MULTI30K_CASE, "bleu", "{}"), expected(MULTI30K_CASE, "chrf", "{}"),
                JsonParser.parseString(run.out()).getAsJsonObject());
    }

    @Test
    void mismatchedLineCountsExitTwoNamingBothFilesAndCounts() throws Exception {
        Path hyp = write("hyp.txt", List.of("a b c", "d e f", "g"));
        Path ref = write("ref.txt", List.of("a b c", "d e f"));

        Execution run = Cli.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString());

        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertEquals("", run.out());
        String message = run.err().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.contains(hyp.toString()) && message.contains(ref.toString()), message);
        assertTrue(message.contains("has 2 lines") && message.contains("have 3"), message);
    }

    @Test
    void aLineThatIsNotUtf8IsAnErrorNamingFileAndLine() throws Exception {
        Path hyp = write("hyp.txt", List.of("fine", "also fine"));
        Path ref = tmp.resolve("ref.txt");
        Files.write(ref, new byte[] {'o', 'k', '\n', 'o', 'k', '\n', 'b', 'a', 'd', (byte) 0xC3, '\n'});

        Execution run = Cli.run("bleu", "--hyp", hyp.toString(), "--ref", ref.toString());

        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().contains(ref + ":3: is not valid UTF-8"), run.err());
    }

    @Test
    void emptyLinesAreSegmentsAndTheLastNewlineEndsTheFile() throws Exception {
        Path file = tmp.resolve("lines.txt");
        Files.writeString(file, "a\n\nb \r\n\n");

        assertEquals(List.of("a", "", "b \r", ""), BleuCommand.readLines(file));
        Files.writeString(file, "no final newline");
        assertEquals(List.of("no final newline"), BleuCommand.readLines(file));
    }

    @Test
    void anUnknownTokenizerIsAUsageError() throws Exception {
        Path hyp = write("hyp.txt", List.of("a"));

        Execution run = Cli.run("bleu", "--hyp", hyp.toString(), "--ref", hyp.toString(), "--tokenize", "moses");

        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().contains("13a, intl, none"), run.err());
    }
}
