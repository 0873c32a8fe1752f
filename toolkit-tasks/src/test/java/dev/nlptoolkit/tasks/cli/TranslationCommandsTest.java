package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.data.SentencePair;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.tasks.translate.TinyCorpus;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

/** train-translator and translate through the command line, on a tiny model trained once. */
class TranslationCommandsTest {

    private static final String OVERLONG = "word ".repeat(300).strip();
    private static final List<String> INPUT = List.of("A man is riding a bike.", "", "Two dogs play in the snow.",
            "   ", "A woman in a red dress.");

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Path model;
    private static JsonObject summary;

    /** Trains a few steps on Multi30k pairs plus two pairs with an empty side and one over 128 subwords. */
    @BeforeAll
    static void train() throws Exception {
        TinyCorpus.singleThreaded();
        List<SentencePair> pairs = TinyCorpus.pairs(TinyCorpus.PAIRS);
        Path[] files = TinyCorpus.write(shared, "train", pairs, "\nOnly a source.\n" + OVERLONG + "\n",
                "Nur ein Ziel.\n\n" + OVERLONG + "\n");
        Path[] dev = TinyCorpus.write(shared, "dev", pairs.subList(0, 8), "", "");
        model = shared.resolve("model");
        Execution run = Cli.run("train-translator", "--train-src", files[0].toString(), "--train-tgt",
                files[1].toString(), "--dev-src", dev[0].toString(), "--dev-tgt", dev[1].toString(), "--model",
                "transformer", "--out", model.toString(), "--vocab-size", "300", "--max-tokens", "600", "--max-steps", "4", "--evaluate-every", "2", "--warmup-steps", "2",
                "--average-last", "2", "--model-config", TinyCorpus.tinyTransformer().toString(), "--threads", "1",
                "--plot");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        summary = JsonParser.parseString(run.out()).getAsJsonObject();
    }

    @Test
    void skippedPairsAreCountedInTheSummaryAndTrainingJson() throws Exception {
        assertEquals(4, summary.get("steps").getAsInt());
        assertEquals(TinyCorpus.PAIRS + 3, summary.get("train_pairs").getAsInt());
        assertEquals(TinyCorpus.PAIRS, summary.get("train_pairs_kept").getAsInt());
        assertEquals(2, summary.get("skipped_empty").getAsInt());
        assertEquals(1, summary.get("skipped_too_long").getAsInt());
        assertTrue(summary.get("train_target_tokens_per_s").getAsDouble() > 0);
        JsonObject training = JsonParser.parseString(Files.readString(model.resolve("training.json")))
                .getAsJsonObject();
        assertEquals(2, training.get("skipped_empty").getAsInt());
        assertEquals(1, training.get("skipped_too_long").getAsInt());
        assertEquals("average of [step-2, step-4]", training.get("final_weights").getAsString());
        // --plot: the curves of both evaluations, listed in the summary
        Path curves = model.resolve(RunFiles.TRAINING_CURVES_FILE);
        assertEquals(curves.toString(), summary.getAsJsonArray("plots").get(0).getAsString());
        assertTrue(ImageIO.read(curves.toFile()).getWidth() > 0, curves + " is not an image");
        assertTrue(summary.get("dev_bleu").getAsDouble() >= 0);
        // One log line per evaluation, with the dev loss and sample BLEU.
        List<String> log = Files.readAllLines(model.resolve("train_log.jsonl"));
        assertEquals(2, log.size());
        JsonObject metrics = JsonParser.parseString(log.get(1)).getAsJsonObject().getAsJsonObject("metrics");
        assertTrue(metrics.get("loss").getAsDouble() > 0 && metrics.has("bleu"), log.get(1));
    }

    @Test
    void translateKeepsLineCountAndEmptyLines() throws Exception {
        Path in = Files.writeString(tmp.resolve("src.txt"), String.join("\n", INPUT) + "\n");
        Path out = tmp.resolve("hyp.txt");
        Execution run = Cli.run("translate", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--beam", "2", "--max-len-a", "0", "--max-len-b", "6", "--threads", "1");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        List<String> lines = Files.readAllLines(out);
        assertEquals(INPUT.size(), lines.size());
        assertEquals("", lines.get(1));
        assertEquals("", lines.get(3));
    }

    @Test
    void translateReadsStdinAndWritesStdout() throws Exception {
        TranslateCommand command = new TranslateCommand();
        new CommandLine(command).parseArgs("--model", model.toString(), "--beam", "1", "--max-len-b", "5");
        StringWriter out = new StringWriter();
        byte[] in = String.join("\n", INPUT).getBytes(StandardCharsets.UTF_8);
        TranslateCommand.Summary result = command.run(new ByteArrayInputStream(in), out);
        assertEquals(INPUT.size(), result.lines());
        String[] lines = out.toString().split("\n", -1);
        // n lines, each ended by a newline: n + 1 pieces, the last one empty.
        assertEquals(INPUT.size() + 1, lines.length);
        assertEquals("", lines[1]);
        assertEquals("", lines[INPUT.size()]);
    }

    @Test
    void nbestPrintsIndexScoreAndTextBestFirst() throws Exception {
        Path in = Files.writeString(tmp.resolve("src.txt"), String.join("\n", INPUT) + "\n");
        Path out = tmp.resolve("nbest.txt");
        Execution run = Cli.run("translate", "--model", model.toString(), "--input", in.toString(), "--output",
                out.toString(), "--beam", "3", "--nbest", "3", "--max-len-a", "0", "--max-len-b", "5");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        List<String> lines = Files.readAllLines(out);
        // Three hypotheses for each of the three sentences, one line for each empty input.
        assertEquals(3 * 3 + 2, lines.size(), String.join("\n", lines));
        Pattern format = Pattern.compile("(\\d+)\t(-?\\d+\\.\\d{4})\t(.*)");
        int previousIndex = -1;
        double previousScore = Double.POSITIVE_INFINITY;
        int[] perIndex = new int[INPUT.size()];
        for (String line : lines) {
            Matcher m = format.matcher(line);
            assertTrue(m.matches(), line);
            int index = Integer.parseInt(m.group(1));
            double score = Double.parseDouble(m.group(2));
            assertTrue(index >= previousIndex, line);
            if (index == previousIndex) {
                assertTrue(score <= previousScore, "best first: " + line);
            }
            perIndex[index]++;
            previousIndex = index;
            previousScore = score;
        }
        assertEquals(List.of(3, 1, 3, 1, 3), Arrays.stream(perIndex).boxed().toList());
        assertTrue(lines.get(3).matches("1\t0\\.0000\t"), lines.get(3));
    }

    @Test
    void attentionOutHasARowPerTargetTokenAndAColumnPerSourceToken() throws Exception {
        Path in = Files.writeString(tmp.resolve("src.txt"), "A man is riding a bike.\n\n");
        Path attention = tmp.resolve("attention.jsonl");
        Execution run = Cli.run("translate", "--model", model.toString(), "--input", in.toString(), "--output",
                tmp.resolve("hyp.txt").toString(), "--attention-out", attention.toString(), "--max-len-b", "5");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        List<String> lines = Files.readAllLines(attention);
        assertEquals(2, lines.size());
        JsonObject first = JsonParser.parseString(lines.get(0)).getAsJsonObject();
        JsonArray rows = first.getAsJsonArray("alignment");
        assertEquals(first.getAsJsonArray("target").size(), rows.size());
        for (int t = 0; t < rows.size(); t++) {
            JsonArray row = rows.get(t).getAsJsonArray();
            assertEquals(first.getAsJsonArray("source").size(), row.size());
            double sum = 0;
            for (int s = 0; s < row.size(); s++) {
                sum += row.get(s).getAsDouble();
            }
            assertEquals(1.0, sum, 1e-4, "attention over the real source positions sums to 1");
        }
        JsonObject empty = JsonParser.parseString(lines.get(1)).getAsJsonObject();
        assertEquals(0, empty.getAsJsonArray("alignment").size());
    }

    @Test
    void mismatchedLineCountsExitTwoNamingBothFilesAndCounts() throws Exception {
        Path en = Files.writeString(tmp.resolve("a.en"), "one\ntwo\nthree\n");
        Path de = Files.writeString(tmp.resolve("a.de"), "eins\nzwei\n");
        Execution run = Cli.run("train-translator", "--train-src", en.toString(), "--train-tgt", de.toString(),
                "--model", "transformer", "--out", tmp.resolve("m").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status(), run.err());
        assertTrue(run.err().contains(de + " has 2 lines but " + en + " has 3"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void aLineThatIsNotUtf8IsAnErrorNamingFileAndLine() throws Exception {
        Path en = Files.writeString(tmp.resolve("b.en"), "one\ntwo\nthree\n");
        Path de = Files.write(tmp.resolve("b.de"), new byte[] {'e', 'i', 'n', 's', '\n', 'z', (byte) 0xff, '\n',
            'd', 'r', 'e', 'i', '\n'});
        Execution train = Cli.run("train-translator", "--train-src", en.toString(), "--train-tgt", de.toString(),
                "--model", "lstm-attention", "--out", tmp.resolve("m").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, train.status(), train.err());
        assertTrue(train.err().contains(de + ":2: is not valid UTF-8"), train.err());
        Execution translate = Cli.run("translate", "--model", model.toString(), "--input", de.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, translate.status(), translate.err());
        assertTrue(translate.err().contains(de + ":2: is not valid UTF-8"), translate.err());
    }

    @Test
    void noCacheTranslatesExactlyAsTheCacheDoes() throws Exception {
        Path in = Files.writeString(tmp.resolve("src.txt"), String.join("\n", INPUT) + "\n");
        Path cached = tmp.resolve("cached.txt");
        Path redecoded = tmp.resolve("redecoded.txt");
        for (Path out : List.of(cached, redecoded)) {
            List<String> args = new ArrayList<>(List.of("translate", "--model", model.toString(), "--input",
                    in.toString(), "--output", out.toString(), "--beam", "2", "--min-len", "3", "--max-len-a", "0",
                    "--max-len-b", "6", "--threads", "1"));
            if (out == redecoded) {
                args.add("--no-cache");
            }
            Execution run = Cli.run(args.toArray(String[]::new));
            assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        }
        List<String> lines = Files.readAllLines(cached);
        assertEquals(lines, Files.readAllLines(redecoded));
        // --min-len 3: no non-empty source gets an empty translation
        for (int i = 0; i < INPUT.size(); i++) {
            assertEquals(INPUT.get(i).isBlank(), lines.get(i).isEmpty(), "line " + (i + 1) + ": " + lines.get(i));
        }
    }

    @Test
    void noCacheWithAttentionOutAndANegativeMinLenExitTwo() {
        Execution both = Cli.run("translate", "--model", model.toString(), "--no-cache", "--attention-out",
                tmp.resolve("a.jsonl").toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, both.status(), both.err());
        assertTrue(both.err().contains("leave out --no-cache"), both.err());
        Execution negative = Cli.run("translate", "--model", model.toString(), "--min-len", "-1");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, negative.status(), negative.err());
        assertTrue(negative.err().contains("min length must be 0"), negative.err());
    }

    @Test
    void badDecodingOptionsExitTwo() {
        Execution run = Cli.run("translate", "--model", model.toString(), "--beam", "2", "--nbest", "3");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status(), run.err());
        assertTrue(run.err().contains("nbest must be in [1, beam = 2]"), run.err());
    }
}
