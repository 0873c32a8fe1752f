package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/** The training losses of {@link TextClassifier}s, computed as torch computes them. */
public final class ClassificationLoss {

    private static final int CLASS_AXIS = -1;

    private ClassificationLoss() {}

    /**
     * Mean cross-entropy, torch's {@code F.cross_entropy(logits, labels)}: -mean(log_softmax(logits)[b, labels[b]]).
     *
     * @param logits (B, C)
     * @param labels (B) int64 class ids in [0, C)
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbabilities = logits.logSoftmax(CLASS_AXIS);
        // (B, C) -> (B): the log-probability of each row's label
        return logProbabilities.get(new NDIndex().addAllDim().addPickDim(labels)).neg().mean();
    }
}
