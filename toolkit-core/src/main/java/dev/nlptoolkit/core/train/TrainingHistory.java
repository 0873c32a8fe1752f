package dev.nlptoolkit.core.train;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The evaluations of one training run, read back from the {@code train_log.jsonl} that {@link TrainingLog}
 * writes: one entry per line, in file order (a resumed run appends, so steps rise).
 *
 * @param entries the evaluations, in file order
 */
public record TrainingHistory(List<Entry> entries) {

    /**
     * One evaluation.
     *
     * @param step optimizer steps done
     * @param epoch epochs done, fractional
     * @param lr the learning rate of the last step
     * @param trainLoss the mean training loss since the previous evaluation
     * @param elapsedSeconds since the run started
     * @param metrics dev metrics by name (for classifiers {@code accuracy}, {@code macro_f1}, {@code mcc})
     */
    public record Entry(long step, double epoch, double lr, double trainLoss, double elapsedSeconds,
            Map<String, Double> metrics) {

        public Entry {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    public TrainingHistory {
        entries = List.copyOf(entries);
    }

    /** Reads the {@code train_log.jsonl} of a training run's output directory. */
    public static TrainingHistory ofRun(Path runDir) throws IOException {
        Path log = runDir.resolve(RunFiles.LOG_FILE);
        if (!Files.isRegularFile(log)) {
            throw new IOException(log + ": no training log; it is written by training with evaluations");
        }
        return read(log);
    }

    /**
     * Reads a {@code train_log.jsonl}. Blank lines are skipped; a line that is not such an object
     * fails with its file and line number.
     */
    public static TrainingHistory read(Path file) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                if (!line.isBlank()) {
                    entries.add(parse(line, file, number));
                }
            }
        }
        return new TrainingHistory(entries);
    }

    private static Entry parse(String line, Path file, int number) throws IOException {
        try {
            JsonObject json = JsonParser.parseString(line).getAsJsonObject();
            Map<String, Double> metrics = new LinkedHashMap<>();
            JsonElement m = json.get(TrainingLog.METRICS);
            if (m != null && m.isJsonObject()) {
                m.getAsJsonObject().entrySet().forEach(e -> metrics.put(e.getKey(), e.getValue().getAsDouble()));
            }
            return new Entry(
                    required(json, TrainingLog.STEP).getAsLong(),
                    required(json, TrainingLog.EPOCH).getAsDouble(),
                    required(json, TrainingLog.LR).getAsDouble(),
                    required(json, TrainingLog.TRAIN_LOSS).getAsDouble(),
                    required(json, TrainingLog.ELAPSED_S).getAsDouble(),
                    metrics);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException
                | NumberFormatException e) {
            throw new IOException(file + ": line " + number + ": not a training log entry"
                    + " {\"step\", \"epoch\", \"lr\", \"train_loss\", \"elapsed_s\", \"metrics\"}: " + e.getMessage(),
                    e);
        }
    }

    private static JsonElement required(JsonObject json, String key) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new IllegalStateException("no \"" + key + "\"");
        }
        return value;
    }

    /** The names of the dev metrics any entry has, sorted. */
    public List<String> metricNames() {
        TreeSet<String> names = new TreeSet<>();
        entries.forEach(e -> names.addAll(e.metrics().keySet()));
        return List.copyOf(names);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }
}
