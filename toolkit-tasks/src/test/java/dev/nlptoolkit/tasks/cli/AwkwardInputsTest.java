package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Inputs a user gets wrong: each is refused with one line (exit 2) that names the file, and the line or key. */
class AwkwardInputsTest {

    private static final Path SAVED = Path.of("..", "test-fixtures", "saved-v0.1", "lstm");

    @TempDir Path tmp;

    private static void assertRefused(Execution run, String... fragments) {
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status(), run.err());
        String[] lines = run.err().strip().split("\\R");
        assertEquals(1, lines.length, "one line: " + run.err());
        for (String fragment : fragments) {
            assertTrue(lines[0].contains(fragment), "'" + fragment + "' not in: " + lines[0]);
        }
    }

    private Execution train(Path data) {
        return Cli.run("train-classifier", "--train", data.toString(), "--model", "lstm", "--out",
                tmp.resolve("out").toString(), "--max-steps", "1", "--threads", "1", "--no-progress");
    }

    @Test
    void anEmptyTrainingFile() throws IOException {
        Path empty = Files.writeString(tmp.resolve("empty.csv"), "");
        assertRefused(train(empty), empty.toString());
        Path headerOnly = Files.writeString(tmp.resolve("header.csv"), "text,label\n");
        assertRefused(train(headerOnly), headerOnly.toString(), "two distinct labels");
    }

    @Test
    void missingColumns() throws IOException {
        Path noLabel = Files.writeString(tmp.resolve("nolabel.csv"), "text,class\ngood,pos\nbad,neg\n");
        assertRefused(train(noLabel), noLabel.toString(), "label");
        Path noText = Files.writeString(tmp.resolve("notext.csv"), "review,label\ngood,pos\nbad,neg\n");
        assertRefused(train(noText), noText + ":1", "--text-column");
    }

    private Path copyOfSavedModel(String... without) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        for (String file : List.of("config.json", "vocab.json", "model.safetensors")) {
            if (!List.of(without).contains(file)) {
                Files.copy(SAVED.resolve(file), dir.resolve(file));
            }
        }
        return dir;
    }

    private Execution evaluate(Path model) throws IOException {
        return evaluate(model, Files.writeString(tmp.resolve("eval.csv"), "text,label\ngood,1\nbad,0\n"));
    }

    private static Execution evaluate(Path model, Path data) {
        return Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--threads", "1");
    }

    /** Regression: labels the model never saw were only counted under "unknown_gold", easy to miss. */
    @Test
    void aGoldLabelNeverSeenInTrainingNamesTheFileAndLine() throws IOException {
        Path model = copyOfSavedModel();
        // Records on lines 3-4 and 6-7 span two lines; the first unknown label is on line 7, in the record
        // that starts on line 6.
        Path csv = Files.writeString(tmp.resolve("dev.csv"),
                "text,label\ngood,1\n\"a review\nover two lines\",0\nbad,0\n\"meh,\nsort of\",XYZ\nok,maybe\n");
        assertRefused(evaluate(model, csv), csv + ":6: label 'XYZ' was never seen in training; the model knows [0, 1]",
                "2 examples", "--allow-unknown-labels");
        Path trec = Files.writeString(tmp.resolve("questions.label"), "\nDESC:manner How did serfdom develop ?\n");
        assertRefused(evaluate(model, trec), trec + ":2: label 'DESC' was never seen in training");

        Execution counted = Cli.run("evaluate", "--model", model.toString(), "--data", csv.toString(),
                "--threads", "1", "--allow-unknown-labels");
        assertEquals(ToolkitCli.EXIT_OK, counted.status(), counted.err());
        JsonObject json = JsonParser.parseString(counted.out()).getAsJsonObject();
        assertEquals(5, json.get("n").getAsInt());
        JsonObject unknown = json.getAsJsonObject("unknown_gold");
        assertEquals(1, unknown.get("XYZ").getAsInt());
        assertEquals(1, unknown.get("maybe").getAsInt());
        assertEquals(2, unknown.size());
    }

    @Test
    void evaluateHelpDocumentsTheUnknownLabelOption() {
        Execution help = Cli.run("evaluate", "--help");
        assertEquals(ToolkitCli.EXIT_OK, help.status());
        assertTrue(help.out().contains("--allow-unknown-labels") && help.out().contains("never saw in training"),
                help.out());
    }

    @Test
    void aModelDirectoryWithoutItsTokenizer() throws IOException {
        Path model = copyOfSavedModel("vocab.json");
        assertRefused(evaluate(model), model.resolve("vocab.json").toString());
    }

    @Test
    void aRequiredConfigKeyMissing() throws IOException {
        Path model = copyOfSavedModel();
        Path config = model.resolve("config.json");
        JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        json.remove("max_length");
        Files.writeString(config, json.toString());
        assertRefused(evaluate(model), config.toString(), "\"max_length\"");
        // Our own model block stays strict about keys it does not know.
        json.addProperty("max_length", 256);
        json.getAsJsonObject("model").addProperty("hiden_size", 3);
        Files.writeString(config, json.toString());
        assertRefused(evaluate(model), config.toString(), "hiden_size");
    }
}
