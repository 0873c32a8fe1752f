package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.tasks.classify.TextClassifierTrainer;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;

import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real full disk (a tmpfs of a few pages in a user and mount namespace, see {@link TinyDisk}) under
 * {@code score} and {@code train-classifier}: one line naming the file, exit 2, and the earlier output or
 * checkpoint left intact and usable. The tmpfs is sized from the real files, so where the write fails is
 * the same on every run.
 */
class FullDiskTest {

    private static final Path TINY_BERT = Path.of("..", "test-fixtures", "tiny-bert");
    private static final Path SMS = Path.of("..", "datasets", "sms-spam", "SMSSpamCollection.tsv");
    private static final int SCORE_ROWS = 3000;
    private static final String WINDOW_ROWS = "500";
    private static final long CHECKPOINT_STEP = 4;
    private static final long NEXT_CHECKPOINT_STEP = 8;
    private static final String NO_SPACE = "No space left on device";

    @TempDir Path tmp;
    private Path disk;
    private Path log;

    @BeforeEach
    void tinyDisk() throws Exception {
        TinyDisk.assumeAvailable(tmp);
        disk = Files.createDirectories(tmp.resolve("disk"));
        log = tmp.resolve("child.log");
    }

    /** The one {@code toolkit:} line the child printed. */
    private String errorLine() throws IOException {
        List<String> lines = Files.readAllLines(log).stream().filter(line -> line.startsWith("toolkit: ")).toList();
        assertEquals(1, lines.size(), Files.readString(log));
        return lines.get(0);
    }

    private static List<String> scoreArgs(Path input, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("score", "--model", TINY_BERT.toString(), "--input",
                input.toString(), "--output", output.toString(), "--window-rows", WINDOW_ROWS, "--device", "cpu",
                "--threads", "1", "--no-progress"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void scoringOntoAFullDiskKeepsTheEarlierOutputAndCanResume() throws Exception {
        StringBuilder csv = new StringBuilder("id,text\n");
        for (int i = 0; i < SCORE_ROWS; i++) {
            csv.append(i).append(",row ").append(i).append(" of a file scored every night, ").append(i % 7)
                    .append(" times over\n");
        }
        Path input = Files.writeString(tmp.resolve("in.csv"), csv);
        Path earlier = tmp.resolve("earlier.csv");
        Execution first = Cli.run(scoreArgs(input, earlier));
        assertEquals(ToolkitCli.EXIT_OK, first.status(), first.err());

        // Room for the earlier output and half of the new one: the partial file cannot be completed.
        long pages = TinyDisk.pages(Files.size(earlier));
        assertTrue(pages >= 8, "the output must span enough pages to fail half-way: " + pages);
        Path output = disk.resolve("scored.csv");
        Path after = tmp.resolve("after");
        String script = String.join(" && ",
                "cp " + TinyDisk.quote(earlier) + " " + TinyDisk.quote(output),
                "{ " + TinyDisk.toolkit(scoreArgs(input, output).toArray(String[]::new)) + "; echo $? > "
                        + TinyDisk.quote(tmp.resolve("status")) + "; }",
                "cp -a " + TinyDisk.quote(disk) + " " + TinyDisk.quote(after));
        assertEquals(0, TinyDisk.shell(disk, (pages + pages / 2) * TinyDisk.PAGE, script, log), Files.readString(log));

        assertEquals(ToolkitCli.EXIT_USER_ERROR, Integer.parseInt(Files.readString(tmp.resolve("status")).strip()),
                Files.readString(log));
        String error = errorLine();
        Path partial = LocalScoreEngine.partialFile(output);
        assertTrue(error.startsWith("toolkit: " + partial + ": cannot write: " + NO_SPACE + "; " + output
                + " is left as it was; the first "), error);
        assertTrue(error.endsWith("rows stay in it: free some space and rerun with --resume to continue from there"),
                error);
        assertArrayEquals(Files.readAllBytes(earlier), Files.readAllBytes(after.resolve(output.getFileName())));

        // With room again, --resume continues from what the failed run kept, to the uninterrupted bytes.
        Path resumed = tmp.resolve("resumed.csv");
        Files.copy(after.resolve(partial.getFileName()), LocalScoreEngine.partialFile(resumed));
        Files.copy(after.resolve(LocalScoreEngine.progressFile(output).getFileName()),
                LocalScoreEngine.progressFile(resumed));
        Execution resume = Cli.run(scoreArgs(input, resumed, "--resume"));
        assertEquals(ToolkitCli.EXIT_OK, resume.status(), resume.err());
        assertTrue(resume.err().contains("resuming"), resume.err());
        assertArrayEquals(Files.readAllBytes(earlier), Files.readAllBytes(resumed));
    }

    private static List<String> trainArgs(Path train, Path dev, Path out, long maxSteps, String... extra) {
        List<String> args = new ArrayList<>(List.of("train-classifier", "--train", train.toString(), "--dev",
                dev.toString(), "--model", "lstm", "--out", out.toString(), "--max-length", "32", "--batch-size", "16",
                "--max-steps", Long.toString(maxSteps), "--evaluate-every", Long.toString(CHECKPOINT_STEP),
                "--seed", "5", "--threads", "1", "--no-progress"));
        args.addAll(List.of(extra));
        return args;
    }

    private static Path write(Path file, List<Example> examples) throws IOException {
        StringBuilder tsv = new StringBuilder("label\ttext\n");
        examples.forEach(e -> tsv.append(e.label()).append('\t').append(e.text()).append('\n'));
        return Files.writeString(file, tsv);
    }

    @Test
    void aCheckpointOntoAFullDiskKeepsThePreviousOne() throws Exception {
        List<Example> sms = TabularReader.builder().setTextColumn(Column.at(1)).optLabelColumn(Column.at(0))
                .optHeader(false).build().read(SMS);
        Path train = write(tmp.resolve("train.tsv"), sms.subList(0, 200));
        Path dev = write(tmp.resolve("dev.tsv"), sms.subList(200, 240));
        Path run = tmp.resolve("run");
        Execution first = Cli.run(trainArgs(train, dev, run, CHECKPOINT_STEP));
        assertEquals(ToolkitCli.EXIT_OK, first.status(), first.err());
        Path checkpoints = run.resolve(TextClassifierTrainer.CHECKPOINT_DIR);
        Path last = checkpoints.resolve(TrainingCheckpoint.LAST);
        assertEquals(CHECKPOINT_STEP, TrainingCheckpoint.readState(last).step());

        // Room for the run as it is and half a model more: the next checkpoint cannot be written.
        long room = TinyDisk.footprint(run) + TinyDisk.pages(Files.size(last.resolve("model.safetensors")))
                / 2 * TinyDisk.PAGE;
        Path out = disk.resolve("run");
        Path after = tmp.resolve("after");
        String script = String.join(" && ",
                "cp -a " + TinyDisk.quote(run) + " " + TinyDisk.quote(out),
                "{ " + TinyDisk.toolkit(trainArgs(train, dev, out, NEXT_CHECKPOINT_STEP, "--resume")
                        .toArray(String[]::new)) + "; echo $? > " + TinyDisk.quote(tmp.resolve("status")) + "; }",
                "cp -a " + TinyDisk.quote(out) + " " + TinyDisk.quote(after));
        assertEquals(0, TinyDisk.shell(disk, room, script, log), Files.readString(log));

        assertEquals(ToolkitCli.EXIT_USER_ERROR, Integer.parseInt(Files.readString(tmp.resolve("status")).strip()),
                Files.readString(log));
        String error = errorLine();
        Path failedCheckpoints = out.resolve(TextClassifierTrainer.CHECKPOINT_DIR);
        assertTrue(error.startsWith("toolkit: cannot write checkpoint " + failedCheckpoints + "/"), error);
        assertTrue(error.contains(" (step " + NEXT_CHECKPOINT_STEP + "): ") && error.contains(NO_SPACE)
                && error.endsWith("; the previous checkpoint is kept"), error);

        Path afterCheckpoints = after.resolve(TextClassifierTrainer.CHECKPOINT_DIR);
        for (String slot : List.of(TrainingCheckpoint.LAST, TrainingCheckpoint.BEST)) {
            try (Stream<Path> files = Files.list(checkpoints.resolve(slot))) {
                for (Path file : files.toList()) {
                    assertArrayEquals(Files.readAllBytes(file),
                            Files.readAllBytes(afterCheckpoints.resolve(slot).resolve(file.getFileName())),
                            slot + "/" + file.getFileName() + " changed");
                }
            }
        }
        try (Stream<Path> entries = Files.list(afterCheckpoints)) {
            assertEquals(List.of(TrainingCheckpoint.BEST, TrainingCheckpoint.LAST),
                    entries.map(p -> p.getFileName().toString()).sorted().toList(), "no partial checkpoint is left");
        }

        // With room again, the run the full disk left behind resumes from its step-4 checkpoint.
        Execution resumed = Cli.run(trainArgs(train, dev, after, NEXT_CHECKPOINT_STEP, "--resume"));
        assertEquals(ToolkitCli.EXIT_OK, resumed.status(), resumed.err());
        assertEquals(CHECKPOINT_STEP, JsonParser.parseString(Files.readString(
                after.resolve(TextClassifierTrainer.PROVENANCE_FILE))).getAsJsonObject().get("resumed_from_step")
                .getAsLong());
        assertEquals(NEXT_CHECKPOINT_STEP,
                TrainingCheckpoint.readState(afterCheckpoints.resolve(TrainingCheckpoint.LAST)).step());
    }
}
