package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How much each class's examples count in the training loss: the weight w[c] of torch's
 * {@code F.cross_entropy(logits, labels, weight=w)}, so that a rare class is not simply never predicted.
 *
 * <ul>
 *   <li>{@link #NONE}: every class 1, the plain mean;
 *   <li>{@link #BALANCED}: n / (k * count[c]) over the training data's n examples and k classes,
 *       scikit-learn's {@code class_weight="balanced"};
 *   <li>{@link #fromFile}: a JSON object from label to weight; labels it leaves out weigh 1, as in
 *       scikit-learn's dictionary form.
 * </ul>
 */
public final class ClassWeights {

    /** Every class weighs 1. */
    public static final ClassWeights NONE = new ClassWeights(Mode.NONE, null);
    /** n / (k * count[c]). */
    public static final ClassWeights BALANCED = new ClassWeights(Mode.BALANCED, null);

    private enum Mode { NONE, BALANCED, FILE }

    private final Mode mode;
    private final Path file;

    private ClassWeights(Mode mode, Path file) {
        this.mode = mode;
        this.file = file;
    }

    /** Weights read from {@code file} when training starts: a JSON object such as {@code {"ABBR": 5.0}}. */
    public static ClassWeights fromFile(Path file) {
        return new ClassWeights(Mode.FILE, file);
    }

    /**
     * {@code none}, {@code balanced} (any case), or else the path of an existing JSON file.
     *
     * @throws UserInputException when {@code text} is neither keyword nor a file
     */
    public static ClassWeights parse(String text) {
        String wanted = text.strip();
        if (wanted.equalsIgnoreCase("none")) {
            return NONE;
        }
        if (wanted.equalsIgnoreCase("balanced")) {
            return BALANCED;
        }
        Path file = Path.of(wanted);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("class weights '" + text + "': no such file; give balanced, none or a"
                    + " JSON file from label to weight, e.g. {\"ABBR\": 5.0}");
        }
        return fromFile(file);
    }

    /** Whether every class weighs 1, so that the plain mean applies. */
    public boolean isNone() {
        return mode == Mode.NONE;
    }

    /**
     * The weight of each class id of {@code labels}, for training targets {@code targets} (class ids).
     *
     * @throws UserInputException when the file cannot be read, is not a JSON object of positive
     *     numbers, or names a label the training data does not have
     */
    double[] resolve(LabelMap labels, int[] targets) {
        double[] weights = new double[labels.size()];
        switch (mode) {
            case NONE -> Arrays.fill(weights, 1);
            case BALANCED -> {
                long[] counts = new long[labels.size()];
                for (int target : targets) {
                    counts[target]++;
                }
                for (int c = 0; c < weights.length; c++) {
                    // every label of a LabelMap comes from the training data, so counts[c] > 0
                    weights[c] = (double) targets.length / ((double) labels.size() * counts[c]);
                }
            }
            case FILE -> {
                Arrays.fill(weights, 1);
                read().forEach((label, weight) -> {
                    int id = labels.id(label);
                    if (id < 0) {
                        throw new UserInputException(file + ": label '" + label + "' is not in the training data,"
                                + " whose labels are " + labels.labels());
                    }
                    weights[id] = weight;
                });
            }
        }
        return weights;
    }

    private Map<String, Double> read() {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(reader);
        } catch (IOException e) {
            throw new UserInputException("cannot read class weights " + file + ": " + e.getMessage()
                    + " (give balanced, none or a JSON file such as {\"ABBR\": 5.0})", e);
        } catch (JsonParseException e) {
            throw new UserInputException(file + " is not JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new UserInputException(file + " must hold a JSON object from label to weight, e.g. {\"ABBR\": 5.0}");
        }
        Map<String, Double> weights = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : root.getAsJsonObject().entrySet()) {
            JsonElement value = e.getValue();
            double weight = value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
                    ? value.getAsDouble() : Double.NaN;
            if (!(weight > 0) || Double.isInfinite(weight)) {
                throw new UserInputException(file + ": the weight of '" + e.getKey() + "' is " + value
                        + "; give a positive number");
            }
            weights.put(e.getKey(), weight);
        }
        return weights;
    }

    /** For training.json: {@code {"mode", "file"?, "weights": {label: weight}}}. */
    JsonObject provenance(LabelMap labels, double[] weights) {
        JsonObject json = new JsonObject();
        json.addProperty("mode", mode.name().toLowerCase(Locale.ROOT));
        if (file != null) {
            json.addProperty("file", file.toAbsolutePath().normalize().toString());
        }
        JsonObject byLabel = new JsonObject();
        for (int c = 0; c < weights.length; c++) {
            byLabel.addProperty(labels.label(c), weights[c]);
        }
        json.add("weights", byLabel);
        return json;
    }

    @Override
    public String toString() {
        return mode == Mode.FILE ? file.toString() : mode.name().toLowerCase(Locale.ROOT);
    }
}
