package dev.nlptoolkit.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parameters with chosen values, and a way to give them chosen gradients. */
final class TestParameters {

    private TestParameters() {}

    static Parameter parameter(String name, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        value.setRequiresGradient(true);
        p.setArray(value);
        return p;
    }

    static Map<String, Parameter> named(Parameter... parameters) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            out.put(p.getName(), p);
        }
        return out;
    }

    /**
     * Sets each parameter's gradient to the given array: backward of {@code sum(p * g)} over all
     * parameters, after zeroing.
     */
    static void setGradients(NDManager manager, Map<String, Parameter> parameters, Map<String, float[]> gradients) {
        Gradients.zero(parameters.values());
        try (NDManager scope = manager.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = scope.zeros(new ai.djl.ndarray.types.Shape());
            for (Map.Entry<String, float[]> e : gradients.entrySet()) {
                NDArray weight = parameters.get(e.getKey()).getArray();
                NDArray g = scope.create(e.getValue(), weight.getShape());
                loss = loss.add(weight.mul(g).sum());
            }
            collector.backward(loss);
        }
    }

    static float[] values(Parameter p) {
        return p.getArray().toFloatArray();
    }
}
