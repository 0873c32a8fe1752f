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
        return negativeLogLikelihoods(logits, labels).mean();
    }

    /**
     * Class-weighted mean cross-entropy, torch's {@code F.cross_entropy(logits, labels, weight=classWeights)}:
     * sum_b w[y_b] * nll_b / sum_b w[y_b], the mean over the batch's weight rather than its size.
     *
     * @param logits (B, C)
     * @param labels (B) int64 class ids in [0, C)
     * @param classWeights (C) positive weights, of the logits' type
     * @return a scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDArray classWeights) {
        // (C) -> (B): each row's weight
        NDArray rowWeights = classWeights.get(new NDIndex().addPickDim(labels));
        return negativeLogLikelihoods(logits, labels).mul(rowWeights).sum().div(rowWeights.sum());
    }

    /** (B, C), (B) -> (B): -log_softmax(logits)[b, labels[b]]. */
    private static NDArray negativeLogLikelihoods(NDArray logits, NDArray labels) {
        NDArray logProbabilities = logits.logSoftmax(CLASS_AXIS);
        // picking keeps the class axis: (B, 1) -> (B), so that per-row weights multiply row by row
        return logProbabilities.get(new NDIndex().addAllDim().addPickDim(labels)).squeeze(CLASS_AXIS).neg();
    }
}
