package dev.nlptoolkit.core.train;

import com.google.gson.JsonObject;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The evaluation log: one JSON object per line and evaluation, flushed as written so it can be
 * followed while training runs; a resumed run appends. Fields: {@code step}, {@code epoch}
 * (fractional, epochs done), {@code lr} (of the last step), {@code train_loss} (mean since the
 * previous evaluation), {@code elapsed_s} (since this run started) and {@code metrics}.
 */
public final class TrainingLog implements Closeable {

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

    public void write(long step, double epoch, double lr, double trainLoss, double elapsedSeconds,
            Map<String, Double> metrics) throws IOException {
        JsonObject line = new JsonObject();
        line.addProperty("step", step);
        line.addProperty("epoch", epoch);
        line.addProperty("lr", lr);
        line.addProperty("train_loss", trainLoss);
        line.addProperty("elapsed_s", elapsedSeconds);
        JsonObject m = new JsonObject();
        metrics.forEach(m::addProperty);
        line.add("metrics", m);
        out.write(line.toString());
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
