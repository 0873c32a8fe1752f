package dev.nlptoolkit.core.train;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation log: one JSON object per line and evaluation, flushed as written so it can be
 * followed while training runs; a resumed run appends. Fields: {@code step}, {@code epoch}
 * (fractional, epochs done), {@code lr} (of the last step), {@code train_loss} (mean since the
 * previous evaluation), {@code elapsed_s} (since this run started) and {@code metrics};
 * {@link TrainingHistory} reads them back.
 */
public final class TrainingLog implements Closeable {

    // The keys of a line; TrainingHistory reads them with these, so that reader and writer agree.
    static final String STEP = "step";
    static final String EPOCH = "epoch";
    static final String LR = "lr";
    static final String TRAIN_LOSS = "train_loss";
    static final String ELAPSED_S = "elapsed_s";
    static final String METRICS = "metrics";

    private final BufferedWriter out;

    private TrainingLog(BufferedWriter out) {
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it and its directory if needed. */
    public static TrainingLog open(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return new TrainingLog(Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    /**
     * Opens {@code file} to continue a run resumed from {@code step}: lines of later steps (written
     * after that checkpoint by a run that was then killed) are dropped first, so the resumed run's
     * lines follow without repeats.
     */
    public static TrainingLog continueAt(Path file, long step) throws IOException {
        if (Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank() && stepOf(file, line) <= step) {
                    kept.add(line);
                }
            }
            AtomicFiles.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        }
        return open(file);
    }

    private static long stepOf(Path file, String line) throws IOException {
        try {
            return JsonParser.parseString(line).getAsJsonObject().get(STEP).getAsLong();
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a training log line: " + line, e);
        }
    }

    public void write(long step, double epoch, double lr, double trainLoss, double elapsedSeconds,
            Map<String, Double> metrics) throws IOException {
        JsonObject line = new JsonObject();
        line.addProperty(STEP, step);
        line.addProperty(EPOCH, epoch);
        line.addProperty(LR, lr);
        line.addProperty(TRAIN_LOSS, trainLoss);
        line.addProperty(ELAPSED_S, elapsedSeconds);
        JsonObject m = new JsonObject();
        // By name: a resumed run's lines equal those of a run that was never stopped.
        new TreeMap<>(metrics).forEach(m::addProperty);
        line.add(METRICS, m);
        out.write(line.toString());
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
