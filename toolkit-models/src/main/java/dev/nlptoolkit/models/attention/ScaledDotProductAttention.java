package dev.nlptoolkit.models.attention;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import dev.nlptoolkit.models.dropout.Dropout;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Multi-head scaled dot-product attention, softmax(Q K^T / sqrt(H) + mask) V (Vaswani et al. 2017),
 * the one function every attention Block of the toolkit shares.
 *
 * <p>Shapes: B batch, N heads, Tq query length, Tk key length, H head size, E = N * H.
 */
public final class ScaledDotProductAttention {

    /**
     * Score given to hidden positions. The lowest finite float rather than -inf, as transformers
     * does: a row with every key hidden then gives uniform weights instead of NaN, and any row with
     * one visible key gives exactly 0 to hidden ones either way.
     */
    public static final float MASK_VALUE = -Float.MAX_VALUE;

    /** Attention output (B, N, Tq, H) and the probabilities (B, N, Tq, Tk), after dropout. */
    public record Result(NDArray output, NDArray probabilities) {}

    private ScaledDotProductAttention() {}

    /**
     * @param query (B, N, Tq, H)
     * @param key (B, N, Tk, H)
     * @param value (B, N, Tk, H)
     * @param visible broadcastable to (B, N, Tq, Tk): boolean, true where a query may see a key, or its
     *     {@link #additiveMask} form (as {@code torch.nn.functional.scaled_dot_product_attention}'s
     *     {@code attn_mask}); null for no mask
     * @param dropout probability of dropping an attention weight while training
     */
    public static Result apply(
            NDArray query, NDArray key, NDArray value, NDArray visible, float dropout, boolean training) {
        long headSize = query.getShape().get(3);
        // (B, N, Tq, H) x (B, N, H, Tk) -> (B, N, Tq, Tk)
        NDArray scores = NativeArrays.mul(query.matMul(key.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headSize));
        NDArray probabilities = maskedSoftmax(scores, visible);
        if (training && dropout > 0) {
            probabilities = Dropout.dropout(probabilities, dropout, true).singletonOrThrow();
        }
        // (B, N, Tq, Tk) x (B, N, Tk, H) -> (B, N, Tq, H)
        return new Result(probabilities.matMul(value), probabilities);
    }

    /**
     * Softmax over the last axis of {@code scores} with hidden positions given {@link #MASK_VALUE}:
     * the shared normalisation of every attention in the toolkit (dot-product, additive, pooling).
     *
     * @param scores (..., Tk)
     * @param visible broadcastable to {@code scores}: boolean, true where a key may be attended, or
     *     already in {@link #additiveMask} form (a caller that applies one mask many times, such as a
     *     decoder's cross-attention at every step, converts it once); null for no mask
     */
    public static NDArray maskedSoftmax(NDArray scores, NDArray visible) {
        if (visible == null) {
            return scores.softmax(-1);
        }
        NDArray additive = visible.getDataType() == DataType.BOOLEAN
                ? additiveMask(visible, scores.getDataType())
                : visible;
        return scores.add(additive).softmax(-1);
    }

    /**
     * The additive form of a visibility mask: -0 where visible, {@link #MASK_VALUE} where hidden, of
     * the mask's own (small, broadcastable) shape. Adding it to scores equals selecting MASK_VALUE:
     * s + (-0) is s exactly, and s + MASK_VALUE rounds to MASK_VALUE for any |s| below 1e31. Unlike a
     * boolean {@code where} over the full (B, N, Tq, Tk) scores, the broadcast add needs no
     * full-size condition and its backward passes the gradient through unchanged.
     *
     * @param visible boolean, true where a key may be attended
     */
    public static NDArray additiveMask(NDArray visible, DataType dataType) {
        // (1 - visible) * MASK_VALUE: 0 * MASK_VALUE is -0, 1 * MASK_VALUE is MASK_VALUE
        return visible.logicalNot().toType(dataType, false).muli(MASK_VALUE);
    }

    /**
     * The additive key mask (B, 1, 1, Tk) of a padding mask {@code attentionMask} (B, Tk), nonzero for
     * real tokens, for callers that apply one mask in many layers or steps; null when no key is padding,
     * since adding -0 everywhere changes no score (transformers drops such a mask for SDPA too).
     */
    public static NDArray keyMask(NDArray attentionMask, DataType dataType) {
        try (NDArray padding = attentionMask.eq(0); NDArray any = padding.any()) {
            if (!any.getBoolean()) {
                return null;
            }
        }
        return additiveMask(keyVisibility(attentionMask), dataType);
    }

    /** (B, T, E) -> (B, N, T, H). */
    public static NDArray splitHeads(NDArray x, int heads) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
    }

    /** (B, N, T, H) -> (B, T, E). */
    public static NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
    }

    /**
     * Key visibility from a padding mask: {@code attentionMask} (B, Tk), nonzero for real tokens,
     * becomes boolean (B, 1, 1, Tk).
     */
    public static NDArray keyVisibility(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        return attentionMask.neq(0).reshape(s.get(0), 1, 1, s.get(1));
    }

    /** Causal visibility (1, 1, T, T): query i sees keys 0..i. */
    public static NDArray causalVisibility(NDManager manager, long length) {
        return causalVisibility(manager, length, length);
    }

    /**
     * Causal visibility (1, 1, Tq, Tk) for queries that are the last Tq of Tk positions, as in
     * incremental decoding with Tk - Tq cached keys: query i sees keys 0..(Tk - Tq + i).
     */
    public static NDArray causalVisibility(NDManager manager, long queryLength, long keyLength) {
        if (queryLength > keyLength) {
            throw new IllegalArgumentException("causal attention needs at least as many keys as queries, got "
                    + queryLength + " queries and " + keyLength + " keys");
        }
        NDArray keys = manager.arange(0, (int) keyLength, 1, DataType.INT64).reshape(1, keyLength);
        NDArray queries = manager.arange((int) (keyLength - queryLength), (int) keyLength, 1, DataType.INT64)
                .reshape(queryLength, 1);
        // key position <= query position
        return keys.lte(queries).reshape(1, 1, queryLength, keyLength);
    }
}
