package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;

import java.nio.file.Path;
import java.util.Map;

/** The check every weight load makes before it changes anything. */
final class WeightCheck {

    private WeightCheck() {}

    /** Fails unless {@code weights}, read from {@code file}, match the parameters in names, shapes and types. */
    static void requireSameParameters(Path file, Map<String, Parameter> parameters, Map<String, NDArray> weights)
            throws CheckpointException {
        for (String name : weights.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new CheckpointException(file, name, "is not a parameter of this model");
            }
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            NDArray value = weights.get(e.getKey());
            if (value == null) {
                throw new CheckpointException(file, e.getKey(), "missing");
            }
            NDArray target = e.getValue().getArray();
            if (!value.getShape().equals(target.getShape()) || value.getDataType() != target.getDataType()) {
                throw new CheckpointException(file, e.getKey(), "is " + value.getDataType() + value.getShape()
                        + " but the model has " + target.getDataType() + target.getShape());
            }
        }
    }
}
