package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.metric.ClassificationMetrics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The dev-set metric that selects the best checkpoint and drives early stopping; larger is better for each. */
public enum SelectionMetric {
    ACCURACY("accuracy"),
    MACRO_F1("macro_f1"),
    MCC("mcc");

    private final String key;

    SelectionMetric(String key) {
        this.key = key;
    }

    /** The name in the training log and in {@link ClassificationMetrics#toJson()}. */
    public String key() {
        return key;
    }

    /** Every selection metric of {@code metrics}, by key, as the training loop's evaluator reports them. */
    static Map<String, Double> all(ClassificationMetrics metrics) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put(ACCURACY.key, metrics.accuracy());
        out.put(MACRO_F1.key, metrics.macroF1());
        out.put(MCC.key, metrics.mcc());
        return out;
    }
}
