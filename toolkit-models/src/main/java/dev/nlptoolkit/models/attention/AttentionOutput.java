package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What an attention layer gives back: the attended output and the attention probabilities.
 *
 * <p>Shapes depend on the layer: multi-head attention gives output (B, Tq, E) and weights
 * (B, N, Tq, Tk); additive and multiplicative attention give context (B, Tq, Ek) or (B, Ek) and
 * weights (B, Tq, Tk) or (B, Tk); pooling gives (B, D) and (B, T).
 */
public record AttentionOutput(NDArray output, NDArray weights) {

    /** The Block-boundary form: the output, then the weights when asked for. */
    public NDList toNDList(boolean withWeights) {
        return withWeights ? new NDList(output, weights) : new NDList(output);
    }
}
