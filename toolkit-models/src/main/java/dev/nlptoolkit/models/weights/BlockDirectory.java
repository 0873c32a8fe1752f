package dev.nlptoolkit.models.weights;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The model directory of a Block this toolkit trained: {@code config.json} holding {@code model_type},
 * {@code format_version} and the task's own keys, and {@code model.safetensors} holding the Block's
 * parameters by dotted name ({@link StateDict}). Classifiers and translators share it, each with its
 * own model type and format version.
 */
public final class BlockDirectory {

    public static final String MODEL_TYPE_KEY = "model_type";
    public static final String FORMAT_KEY = "format_version";

    private BlockDirectory() {}

    /** Writes {@code config.json} ({@code model_type}, {@code format_version}, then {@code fields}) and the weights. */
    public static void write(Path dir, String modelType, int formatVersion, JsonObject fields, Block block)
            throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty(MODEL_TYPE_KEY, modelType);
        config.addProperty(FORMAT_KEY, formatVersion);
        for (Map.Entry<String, JsonElement> e : fields.entrySet()) {
            config.add(e.getKey(), e.getValue().deepCopy());
        }
        ModelDirectory.write(dir, config, StateDict.arrays(block));
    }

    /** The {@code model_type} of {@code config}, or "" when it has none. */
    public static String modelType(JsonObject config) {
        JsonElement type = config.get(MODEL_TYPE_KEY);
        return type != null && type.isJsonPrimitive() ? type.getAsString() : "";
    }

    /** Fails unless {@code config}, read from {@code dir}, is of format {@code version}. */
    public static void requireFormat(Path dir, JsonObject config, int version) throws CheckpointException {
        JsonElement found = config.get(FORMAT_KEY);
        int actual = found != null && found.isJsonPrimitive() ? found.getAsInt() : -1;
        if (actual != version) {
            throw new CheckpointException(dir.resolve(ModelDirectory.CONFIG_FILE), "format version " + actual
                    + "; this build reads " + version);
        }
    }

    /** Loads the weights of {@code dir} into {@code block}, whose names and shapes they must match exactly. */
    public static void loadWeights(Path dir, Block block, NDManager manager) throws CheckpointException {
        try (NDManager scratch = manager.newSubManager()) {
            StateDict.load(block, ModelDirectory.open(dir).readWeights(scratch), dir.toString());
        } catch (WeightMismatchException e) {
            throw new CheckpointException(dir, e.getMessage(), e);
        }
    }
}
