package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDManager;

import java.util.Map;

/** Scores the model on held-out data, e.g. {@code {"accuracy": 0.91, "loss": 0.3}}. */
@FunctionalInterface
public interface Evaluator {

    /** Metrics by name; create arrays in {@code manager}, which is closed afterwards. */
    Map<String, Double> evaluate(NDManager manager);
}
