package dev.nlptoolkit.models.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClassificationLoss} against torch: the expected values were printed by torch 2.15 for these
 * very tensors, {@code F.cross_entropy(logits, labels, weight=w).item()} and without {@code weight}.
 */
class ClassificationLossTest {

    private static final float[][] LOGITS = {{1f, -0.5f, 2f}, {0.3f, 0.2f, -1f}, {-2f, 1.5f, 0.5f}, {0f, 0f, 0f}};
    private static final long[] LABELS = {2, 0, 1, 1};
    private static final float[] WEIGHTS = {0.5f, 3f, 1.25f};
    private static final double TORCH_WEIGHTED = 0.665111243724823;
    private static final double TORCH_MEAN = 0.6458415985107422;
    private static final double TOLERANCE = 1e-6;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void weightedMeanDividesByTheWeightOfTheBatchsTargetsAsTorchDoes() {
        NDArray loss = ClassificationLoss.crossEntropy(
                manager.create(LOGITS), manager.create(LABELS), manager.create(WEIGHTS));
        assertEquals(TORCH_WEIGHTED, loss.getFloat(), TOLERANCE);
        assertEquals(TORCH_WEIGHTED, byHand(), TOLERANCE);
    }

    @Test
    void unitWeightsGiveThePlainMean() {
        NDArray logits = manager.create(LOGITS);
        NDArray labels = manager.create(LABELS);
        assertEquals(TORCH_MEAN, ClassificationLoss.crossEntropy(logits, labels).getFloat(), TOLERANCE);
        assertEquals(TORCH_MEAN, ClassificationLoss.crossEntropy(logits, labels,
                manager.ones(new Shape(WEIGHTS.length))).getFloat(), TOLERANCE);
    }

    /** sum_b w[y_b] * -log softmax(x_b)[y_b] / sum_b w[y_b], in doubles. */
    private static double byHand() {
        double numerator = 0;
        double denominator = 0;
        for (int b = 0; b < LOGITS.length; b++) {
            double sum = 0;
            for (float x : LOGITS[b]) {
                sum += Math.exp(x);
            }
            double nll = Math.log(sum) - LOGITS[b][(int) LABELS[b]];
            double w = WEIGHTS[(int) LABELS[b]];
            numerator += w * nll;
            denominator += w;
        }
        return numerator / denominator;
    }
}
