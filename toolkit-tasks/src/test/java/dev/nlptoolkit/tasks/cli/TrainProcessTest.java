package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;
import dev.nlptoolkit.tasks.classify.TextClassifierTrainer;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code train-classifier} in child processes that are killed (SIGKILL) or stopped (SIGTERM) mid-epoch
 * and resumed: the result is bitwise the run that was never stopped. A tiny LSTM, one thread, a fixed
 * step count; the reference and the run to be stopped run side by side.
 */
class TrainProcessTest {

    private static final Path DATASETS = Path.of("..", "datasets");
    private static final int TRAIN = 300;
    private static final int DEV = 60;
    /** 19 batches of 16 an epoch: the stop at a checkpoint of step 8 or later falls inside epoch 1 or 2. */
    private static final int STEPS = 60;
    private static final int CHECKPOINT_EVERY = 4;
    private static final long STOP_AFTER_STEP = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final List<String> RESULT_FILES = List.of(
            "checkpoints/last/model.safetensors", "checkpoints/last/optimizer.safetensors",
            "checkpoints/last/trainer_state.json", "checkpoints/best/model.safetensors", "model.safetensors");

    @TempDir static Path dir;
    private static Path train;
    private static Path dev;

    @BeforeAll
    static void data() throws IOException {
        List<Example> sms = TabularReader.builder().setTextColumn(Column.at(1)).optLabelColumn(Column.at(0))
                .optHeader(false).build().read(DATASETS.resolve("sms-spam").resolve("SMSSpamCollection.tsv"));
        train = write(dir.resolve("train.tsv"), sms.subList(0, TRAIN));
        dev = write(dir.resolve("dev.tsv"), sms.subList(TRAIN, TRAIN + DEV));
    }

    private static Path write(Path file, List<Example> examples) throws IOException {
        StringBuilder tsv = new StringBuilder("label\ttext\n");
        examples.forEach(e -> tsv.append(e.label()).append('\t').append(e.text()).append('\n'));
        return Files.writeString(file, tsv);
    }

    private static List<String> arguments(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train-classifier", "--train", train.toString(),
                "--dev", dev.toString(), "--model", "lstm", "--out", out.toString(), "--max-length", "32",
                "--batch-size", "16", "--max-steps", Integer.toString(STEPS), "--evaluate-every",
                Integer.toString(CHECKPOINT_EVERY), "--seed", "5", "--threads", "1", "--no-progress"));
        args.addAll(List.of(extra));
        return args;
    }

    private static Process start(Path out, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ToolkitCli.class.getName()));
        command.addAll(arguments(out, extra));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling(out.getFileName() + "-" + System.nanoTime() + ".log").toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        return builder.start();
    }

    private static int finish(Process process) throws InterruptedException {
        assertTrue(process.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the child did not finish in time");
        return process.exitValue();
    }

    /** Waits until the child has published a {@code last} checkpoint of at least {@code step}. */
    private static long awaitCheckpoint(Process process, Path out, long step) throws Exception {
        Path last = out.resolve(TextClassifierTrainer.CHECKPOINT_DIR).resolve(TrainingCheckpoint.LAST);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), "the child ended before it could be stopped");
            if (Files.exists(last.resolve(TrainingCheckpoint.STATE_FILE))) {
                try {
                    long saved = TrainingCheckpoint.readState(last).step();
                    if (saved >= step) {
                        return saved;
                    }
                } catch (CheckpointException renamedWhileReading) {
                    // Published again between the check and the read: look once more.
                    continue;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no checkpoint of step " + step + " within " + PATIENCE);
    }

    private static long resumedFrom(Path out) throws IOException {
        return JsonParser.parseString(Files.readString(out.resolve(TextClassifierTrainer.PROVENANCE_FILE)))
                .getAsJsonObject().get("resumed_from_step").getAsLong();
    }

    private static void assertSameResult(Path expected, Path actual) throws IOException {
        for (String file : RESULT_FILES) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)),
                    file + " differs");
        }
        assertEquals(logWithoutTimes(expected), logWithoutTimes(actual));
    }

    private static List<String> logWithoutTimes(Path out) throws IOException {
        return Files.readAllLines(out.resolve(TextClassifierTrainer.LOG_FILE)).stream().map(line -> {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            o.remove("elapsed_s");
            return o.toString();
        }).toList();
    }

    @Test
    void killedOrStoppedRunsResumeToTheUninterruptedResult() throws Exception {
        Path reference = dir.resolve("reference");
        Path killed = dir.resolve("killed");
        Path stopped = dir.resolve("stopped");

        Process straight = start(reference);
        Process toKill = start(killed);
        long before = awaitCheckpoint(toKill, killed, STOP_AFTER_STEP);
        toKill.destroyForcibly();
        assertEquals(137, finish(toKill), "SIGKILL");
        assertEquals(0, finish(straight));
        TrainingCheckpoint.State atKill = TrainingCheckpoint.readState(
                TrainingCheckpoint.find(killed.resolve(TextClassifierTrainer.CHECKPOINT_DIR), TrainingCheckpoint.LAST));
        assertTrue(atKill.step() >= before && atKill.step() < STEPS && atKill.step() % CHECKPOINT_EVERY == 0,
                "killed at checkpoint " + atKill.step());
        assertTrue(atKill.stopReason() == null, "a killed run records no stop reason");

        Process resumeKilled = start(killed, "--resume");
        Process toStop = start(stopped);
        awaitCheckpoint(toStop, stopped, STOP_AFTER_STEP);
        // While it runs, the output directory is locked: a second run says who holds it.
        Execution second = Cli.run(arguments(stopped));
        assertEquals(ToolkitCli.EXIT_USER_ERROR, second.status(), second.err());
        assertTrue(second.err().contains("is in use by another run") && second.err().contains(
                "\"pid\":" + toStop.pid()), second.err());
        toStop.destroy();
        finish(toStop);
        TrainingCheckpoint.State atStop = TrainingCheckpoint.readState(
                stopped.resolve(TextClassifierTrainer.CHECKPOINT_DIR).resolve(TrainingCheckpoint.LAST));
        assertEquals(StopReason.INTERRUPTED, atStop.stopReason(), "SIGTERM writes a checkpoint at a step boundary");
        assertTrue(atStop.step() < STEPS);
        Process resumeStopped = start(stopped, "--resume");
        assertEquals(0, finish(resumeKilled));
        assertEquals(atKill.step(), resumedFrom(killed), "continued from the last checkpoint");
        assertSameResult(reference, killed);
        assertEquals(0, finish(resumeStopped));
        assertEquals(atStop.step(), resumedFrom(stopped));
        assertSameResult(reference, stopped);

        // Resuming with another batch size, or other data, is refused naming the difference.
        List<String> otherBatchSize = arguments(reference, "--resume");
        otherBatchSize.set(otherBatchSize.indexOf("--batch-size") + 1, "8");
        Execution otherBatch = Cli.run(otherBatchSize);
        assertEquals(ToolkitCli.EXIT_USER_ERROR, otherBatch.status(), otherBatch.err());
        assertTrue(otherBatch.err().contains("batch_size was 16, now 8"), otherBatch.err());
        List<String> fewer = Files.readAllLines(train);
        Path otherTrain = Files.write(dir.resolve("fewer.tsv"), fewer.subList(0, fewer.size() - 1));
        List<String> otherData = arguments(reference, "--resume");
        otherData.set(otherData.indexOf(train.toString()), otherTrain.toString());
        Execution changed = Cli.run(otherData);
        assertEquals(ToolkitCli.EXIT_USER_ERROR, changed.status(), changed.err());
        assertTrue(changed.err().contains("train_data was " + TRAIN + " examples"), changed.err());
    }
}
