package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.SafeTensors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the model's weights go into and out of a checkpoint directory; the training loop does not know
 * how models are saved, the task does.
 */
public interface ModelStore {

    /** The file {@link #ofParameters} stores the weights in. */
    String WEIGHTS_FILE = "model.safetensors";

    /** Writes the weights (and whatever else the model needs) into the existing directory {@code dir}. */
    void save(Path dir) throws IOException;

    /** Replaces the model's weights with those {@link #save} wrote into {@code dir}. */
    void load(Path dir) throws CheckpointException;

    /**
     * Stores {@code parameters} by name in {@code dir/model.safetensors}; loading requires exactly the
     * same names and shapes.
     */
    static ModelStore ofParameters(Map<String, Parameter> parameters) {
        return new ModelStore() {
            @Override
            public void save(Path dir) throws IOException {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                parameters.forEach((name, p) -> arrays.put(name, p.getArray()));
                SafeTensors.write(dir.resolve(WEIGHTS_FILE), arrays);
            }

            @Override
            public void load(Path dir) throws CheckpointException {
                Path file = dir.resolve(WEIGHTS_FILE);
                NDManager owner = parameters.values().iterator().next().getArray().getManager();
                try (NDManager scope = owner.newSubManager()) {
                    Map<String, NDArray> loaded = SafeTensors.read(file, scope);
                    WeightCheck.requireSameParameters(file, parameters, loaded);
                    parameters.forEach((name, p) -> loaded.get(name).copyTo(p.getArray()));
                }
            }
        };
    }
}
