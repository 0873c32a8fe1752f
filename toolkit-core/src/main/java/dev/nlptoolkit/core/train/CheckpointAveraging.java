package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.SafeTensors;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Averages the weights of several checkpoints into a model, as fairseq's
 * {@code scripts/average_checkpoints.py} and OpenNMT's {@code average_models.py} do: each parameter
 * becomes the element-wise mean of its values in the checkpoints, which usually scores better than
 * any one of them.
 */
public final class CheckpointAveraging {

    private CheckpointAveraging() {}

    /**
     * Sets every parameter to its mean over the {@link ModelStore#WEIGHTS_FILE} of each directory in
     * {@code checkpoints}. Fails, changing nothing, when a checkpoint lacks a parameter, holds one the
     * model does not have or one of another shape.
     */
    public static void average(Map<String, Parameter> parameters, List<Path> checkpoints) throws CheckpointException {
        if (checkpoints.isEmpty()) {
            throw new IllegalArgumentException("no checkpoints to average");
        }
        NDManager owner = parameters.values().iterator().next().getArray().getManager();
        try (NDManager scope = owner.newSubManager()) {
            Map<String, NDArray> sums = null;
            for (Path dir : checkpoints) {
                Path file = dir.resolve(ModelStore.WEIGHTS_FILE);
                Map<String, NDArray> weights = SafeTensors.read(file, scope);
                WeightCheck.requireSameParameters(file, parameters, weights);
                if (sums == null) {
                    sums = new LinkedHashMap<>(weights);
                } else {
                    for (Map.Entry<String, NDArray> e : weights.entrySet()) {
                        sums.get(e.getKey()).addi(e.getValue());
                    }
                }
            }
            float count = checkpoints.size();
            for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                sums.get(e.getKey()).divi(count).copyTo(e.getValue().getArray());
            }
        }
    }
}
