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
            private static final String FILE = "model.safetensors";

            @Override
            public void save(Path dir) throws IOException {
                Map<String, NDArray> arrays = new LinkedHashMap<>();
                parameters.forEach((name, p) -> arrays.put(name, p.getArray()));
                SafeTensors.write(dir.resolve(FILE), arrays);
            }

            @Override
            public void load(Path dir) throws CheckpointException {
                Path file = dir.resolve(FILE);
                NDManager owner = parameters.values().iterator().next().getArray().getManager();
                try (NDManager scope = owner.newSubManager()) {
                    Map<String, NDArray> loaded = SafeTensors.read(file, scope);
                    for (String name : loaded.keySet()) {
                        if (!parameters.containsKey(name)) {
                            throw new CheckpointException(file, name, "is not a parameter of this model");
                        }
                    }
                    for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                        NDArray value = loaded.get(e.getKey());
                        NDArray target = e.getValue().getArray();
                        if (value == null) {
                            throw new CheckpointException(file, e.getKey(), "missing");
                        }
                        if (!value.getShape().equals(target.getShape()) || value.getDataType() != target.getDataType()) {
                            throw new CheckpointException(file, e.getKey(), "is " + value.getDataType() + value.getShape()
                                    + " but the model has " + target.getDataType() + target.getShape());
                        }
                    }
                    parameters.forEach((name, p) -> loaded.get(name).copyTo(p.getArray()));
                }
            }
        };
    }
}
