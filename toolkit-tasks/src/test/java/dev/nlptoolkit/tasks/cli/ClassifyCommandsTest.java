package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.TabularReader;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** train-classifier, evaluate, predict and demo through the command line. */
class ClassifyCommandsTest {

    private static final Path DATASETS = Path.of("..", "datasets");
    private static final int TRAIN = 600;
    private static final int DEV = 150;

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Path model;
    private static Path dev;

    /** Trains once through the CLI on SMS Spam slices written as TSV files with a header. */
    @BeforeAll
    static void train() throws Exception {
        EngineSettings.threads(1, EngineSettings.current().interOp());
        List<Example> sms = TabularReader.builder().setTextColumn(Column.at(1)).optLabelColumn(Column.at(0))
                .optHeader(false).build().read(DATASETS.resolve("sms-spam").resolve("SMSSpamCollection.tsv"));
        Path train = write(shared.resolve("train.tsv"), sms.subList(0, TRAIN), "");
        dev = write(shared.resolve("dev.tsv"), sms.subList(TRAIN, TRAIN + DEV), "");
        model = shared.resolve("model");
        Execution run = Cli.run("train-classifier", "--train", train.toString(), "--dev", dev.toString(),
                "--model", "bilstm-attention", "--out", model.toString(), "--epochs", "6", "--max-length", "48",
                "--batch-size", "64", "--seed", "3", "--threads", "1");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(model.toString(), json.get("model_dir").getAsString());
        assertTrue(json.getAsJsonObject("dev").get("accuracy").getAsDouble() > 0.9, run.out());
    }

    private static Path write(Path file, List<Example> examples, String extraRow) throws Exception {
        StringBuilder tsv = new StringBuilder("label\ttext\n");
        examples.forEach(e -> tsv.append(e.label()).append('\t').append(e.text()).append('\n'));
        return Files.writeString(file, tsv + extraRow);
    }

    @Test
    void evaluatePrintsOneJsonObjectAndCountsUnknownLabelsWhenAllowed() throws Exception {
        Path data = Files.writeString(tmp.resolve("eval.tsv"),
                Files.readString(dev) + "maybe\tsee you at the match tonight\n");
        Execution run = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--allow-unknown-labels");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        for (String key : List.of("n", "accuracy", "macro_f1", "mcc", "per_class", "confusion")) {
            assertTrue(json.has(key), key);
        }
        assertEquals(DEV + 1, json.get("n").getAsInt());
        assertEquals(1, json.getAsJsonObject("unknown_gold").get("maybe").getAsInt());
        assertTrue(json.getAsJsonObject("per_class").has("spam"));
        assertFalse(run.err().contains("warning"), run.err());
    }

    /** Ham messages labelled spam: the model gets none of them right, and says so in one line. */
    @Test
    void evaluateWarnsAboutAClassWithSupportAndRecallZero() throws Exception {
        String mislabelled = "label\ttext\n"
                + "spam\tOk lar... Joking wif u oni...\n"
                + "spam\tI'll call you when I get home, see you later\n"
                + "spam\tSorry, I'll call later in the meeting\n";
        Path data = Files.writeString(tmp.resolve("mislabelled.tsv"), mislabelled);
        Execution run = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonObject spam = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonObject("per_class")
                .getAsJsonObject("spam");
        assertEquals(0.0, spam.get("recall").getAsDouble(), run.out());
        List<String> warnings = run.err().lines().filter(line -> line.startsWith("warning")).toList();
        assertEquals(List.of("warning: recall 0 for spam (support 3): the model never predicts these correctly;"
                + " try --class-weights balanced when training"), warnings);
    }

    /** A vanishing perturbation changes nothing; a large one costs accuracy, unknown labels still counted. */
    @Test
    void evaluateUnderAttackReportsTheAccuracyDrop() throws Exception {
        Path data = Files.writeString(tmp.resolve("eval.tsv"),
                Files.readString(dev) + "maybe\tsee you at the match tonight\n");
        double clean = 0;
        for (String epsilon : List.of("1e-6", "10")) {
            Execution run = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                    "--attack-epsilon", epsilon, "--threads", "1", "--allow-unknown-labels");
            assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
            JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
            clean = json.get("accuracy").getAsDouble();
            JsonObject attacked = json.getAsJsonObject("under_attack");
            assertEquals(Float.parseFloat(epsilon), attacked.get("epsilon").getAsFloat());
            assertEquals(DEV + 1, attacked.get("n").getAsInt());
            assertEquals(1, attacked.getAsJsonObject("unknown_gold").get("maybe").getAsInt());
            double underAttack = attacked.get("accuracy").getAsDouble();
            if (epsilon.equals("1e-6")) {
                assertEquals(clean, underAttack, run.out());
            } else {
                assertTrue(underAttack < clean - 0.05, run.out());
            }
        }
    }

    @Test
    void predictKeepsOrderAndAnswersBadLinesWithErrors() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.jsonl"), String.join("\n",
                "{\"text\": \"WINNER! Claim your free prize now, call 0800\"}",
                "this is not json",
                "{\"txt\": \"no text key\"}",
                "",
                "{\"text\": \"ok see you at home later\", \"text_pair\": null}",
                "{\"text\": 42}") + "\n");
        Path out = tmp.resolve("out.jsonl");
        Execution run = Cli.run("predict", "--model", model.toString(), "--input", in.toString(),
                "--output", out.toString(), "--explain", "--top-k", "3");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonObject summary = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(6, summary.get("lines").getAsInt());
        assertEquals(2, summary.get("predicted").getAsInt());
        assertEquals(4, summary.get("errors").getAsInt());
        List<JsonObject> lines = Files.readAllLines(out).stream()
                .map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(6, lines.size());
        assertEquals("spam", lines.get(0).get("label").getAsString());
        assertEquals(lines.get(0).getAsJsonObject("probabilities").get("spam").getAsDouble(),
                lines.get(0).get("score").getAsDouble(), "score is the probability of the label, as in score's output");
        assertEquals("ham", lines.get(4).get("label").getAsString());
        JsonArray explanation = lines.get(0).getAsJsonArray("explanation");
        assertEquals(3, explanation.size());
        assertTrue(explanation.get(0).getAsJsonObject().has("token"));
        assertEquals(2, lines.get(0).getAsJsonArray("logits").size());
        assertEquals(1.0, lines.get(0).getAsJsonObject("probabilities").get("spam").getAsDouble()
                + lines.get(0).getAsJsonObject("probabilities").get("ham").getAsDouble(), 1e-9);
        assertTrue(lines.get(1).get("error").getAsString().startsWith("line 2: not valid JSON"),
                lines.get(1).toString());
        assertEquals("line 3: no \"text\" string", lines.get(2).get("error").getAsString());
        assertTrue(lines.get(3).get("error").getAsString().startsWith("line 4: "), lines.get(3).toString());
        assertTrue(lines.get(5).get("error").getAsString().startsWith("line 6: \"text\" must be a string"));
    }

    @Test
    void predictRunsAHuggingFaceCheckpointAsItIs() throws Exception {
        Path tinyBert = Paths.get(getClass().getResource("/fixtures/tiny-bert").toURI());
        Path in = Files.writeString(tmp.resolve("bert.jsonl"),
                "{\"text\": \"The movie was a total waste of time.\"}\n"
                        + "{\"text\": \"Is this sentence a question?\", \"text_pair\": \"Yes, it is one.\"}\n");
        Path out = tmp.resolve("bert-out.jsonl");
        Execution run = Cli.run("predict", "--model", tinyBert.toString(), "--input", in.toString(),
                "--output", out.toString(), "--device", "cpu");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(2, lines.size());
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        assertTrue(first.getAsJsonObject("probabilities").has("LABEL_0"));
        assertFalse(first.has("explanation"));
    }

    @Test
    void aModelDirectoryThatIsNotOneFailsWithOneLine() {
        Execution run = Cli.run("evaluate", "--model", tmp.toString(), "--data", dev.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().startsWith("toolkit: " + tmp), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void badOptionCombinationsSayWhatIsWrong() {
        Execution run = Cli.run("train-classifier", "--train", dev.toString(), "--model", "bert",
                "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertTrue(run.err().contains("--init"), run.err());
        Execution unknown = Cli.run("train-classifier", "--train", dev.toString(), "--model", "gru",
                "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, unknown.status());
        assertTrue(unknown.err().contains("bilstm-attention"), unknown.err());
        Execution twoDevSets = Cli.run("train-classifier", "--train", dev.toString(), "--dev", dev.toString(),
                "--dev-fraction", "0.1", "--model", "lstm", "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, twoDevSets.status());
        assertTrue(twoDevSets.err().contains("--dev or --dev-fraction, not both"), twoDevSets.err());
        Execution frozen = Cli.run("train-classifier", "--train", dev.toString(), "--model", "cnn",
                "--freeze-embeddings", "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, frozen.status());
        assertTrue(frozen.err().contains("--init-embeddings"), frozen.err());
        Execution layer = Cli.run("train-classifier", "--train", dev.toString(), "--model", "cnn",
                "--init-embeddings-layer", "2", "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, layer.status());
        assertTrue(layer.err().contains("embedding layer") && layer.err().contains("--init-embeddings"), layer.err());
        Execution zeroScale = Cli.run("train-classifier", "--train", dev.toString(), "--model", "cnn",
                "--embedding-lr-scale", "0", "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, zeroScale.status());
        assertTrue(zeroScale.err().contains("scale must be finite and positive, got 0.0"), zeroScale.err());
        Execution weights = Cli.run("train-classifier", "--train", dev.toString(), "--model", "cnn",
                "--class-weights", tmp.resolve("weights.json").toString(), "--out", tmp.resolve("x").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, weights.status());
        assertTrue(weights.err().contains("weights.json") && weights.err().contains("balanced"), weights.err());
        assertFalse(Files.exists(tmp.resolve("x")), "nothing is written before the options are checked");
    }

    @Test
    void everyNewCommandHasHelpWithDefaults() {
        for (String command : List.of("train-classifier", "evaluate", "predict", "score", "demo")) {
            Execution help = Cli.run(command, "--help");
            assertEquals(ToolkitCli.EXIT_OK, help.status(), command);
            assertTrue(help.out().startsWith("Usage: toolkit " + command), help.out());
            assertTrue(help.out().contains("Default:"), help.out());
        }
        assertTrue(Cli.run("train-classifier", "--help").out().contains("One of: rnn, lstm, bilstm-attention, rcnn,"));
    }

    @Test
    void eachDemoHelpShowsItsOwnDefaults() {
        // Help wraps its lines: compare with the white space folded.
        String classify = Cli.run("demo", "--help").out().replaceAll("\\s+", " ");
        assertTrue(classify.contains("Default: runs/demo.") && classify.contains("Default: 3.0."), classify);
        String translate = Cli.run("demo", "translate", "--help").out().replaceAll("\\s+", " ");
        assertTrue(translate.contains("Default: runs/demo-translate.") && translate.contains("Default: 5.0."),
                translate);
        assertTrue(translate.contains("--max-train-pairs") && translate.contains("--datasets=DIR"), translate);
    }

    @Test
    void demoTrainsExplainsAndScoresTheBundledReviews() throws Exception {
        Path out = tmp.resolve("demo");
        Execution run = Cli.run("demo", "--minutes", "0.1", "--max-train-examples", "400", "--out", out.toString(),
                "--datasets", DATASETS.toString(), "--threads", "1", "--device", "cpu");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        assertTrue(run.out().contains("Dev: accuracy"), run.out());
        assertTrue(run.out().contains("most attended: "), run.out());
        List<String> scored = Files.readAllLines(out.resolve(DemoCommand.SCORED_FILE));
        assertEquals("id,text,label,score,error", scored.get(0));
        assertEquals(21, scored.size());
        assertTrue(scored.get(1).startsWith("1,"), scored.get(1));
        assertTrue(Files.exists(out.resolve(DemoCommand.MODEL_DIR).resolve("config.json")));
    }
}
