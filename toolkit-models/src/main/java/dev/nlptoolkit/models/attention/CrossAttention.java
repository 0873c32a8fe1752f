package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Multi-head cross (interactive) attention (Vaswani et al. 2017, encoder-decoder attention):
 * queries from sequence A attend to keys/values from sequence B under B's padding mask. Parameters
 * are named as in {@code torch.nn.MultiheadAttention} ({@code in_proj_weight}, {@code in_proj_bias},
 * {@code out_proj.weight}, {@code out_proj.bias}), so its state dict loads by name.
 *
 * <p>Input {@link AttentionInput#of}: query (B, Tq, E), keyValue (B, Tk, E), keyMask (B, Tk).
 * Output (B, Tq, E) and, with {@code optReturnWeights(true)}, per-head weights (B, N, Tq, Tk).
 */
public final class CrossAttention extends MultiHeadAttentionBase {

    private CrossAttention(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The typed forward pass: output (B, Tq, E) and per-head weights (B, N, Tq, Tk). */
    @Override
    public AttentionOutput attend(ParameterStore ps, AttentionInput input, boolean training) {
        if (input.isCausal()) {
            throw new IllegalArgumentException(
                    "a causal mask relates a sequence to itself: use SelfAttention with withCausalMask()");
        }
        KeyValue memory = projectMemory(ps, input.keyValue(), training);
        return attendVisible(ps, input.query(), memory, input.visibility(input.keyValue().getShape().get(1)), training);
    }

    /** Projects the attended sequence (B, Tk, E) once, for decoding steps that reuse it. */
    public KeyValue projectMemory(ParameterStore ps, NDArray keyValue, boolean training) {
        return projectKeyValue(ps, keyValue, training);
    }

    /**
     * Attends {@code query} (B, Tq, E) to already projected keys/values.
     *
     * @param keyMask (B, Tk), nonzero for real tokens; null when nothing is padded
     */
    public AttentionOutput attend(
            ParameterStore ps, NDArray query, KeyValue memory, NDArray keyMask, boolean training) {
        NDArray visible = keyMask == null ? null : ScaledDotProductAttention.keyVisibility(keyMask);
        return attendVisible(ps, query, memory, visible, training);
    }

    /**
     * Attends {@code query} (B, Tq, E) to already projected keys/values under a mask prepared once
     * for many calls, as a decoder's steps share one memory mask.
     *
     * @param visible broadcastable to (B, N, Tq, Tk): boolean, true where a key may be attended, or
     *     its {@link ScaledDotProductAttention#additiveMask} form; null when nothing is padded
     */
    public AttentionOutput attendVisible(
            ParameterStore ps, NDArray query, KeyValue memory, NDArray visible, boolean training) {
        return attendHeads(ps, projectQuery(ps, query, training), memory, visible, training);
    }

    @Override
    long keyLength(Shape[] inputShapes) {
        return inputShapes[1].get(1);
    }

    /** Builds a {@link CrossAttention}; {@code setEmbedDim} and {@code setHeads} are required. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public CrossAttention build() {
            validate("CrossAttention");
            return new CrossAttention(this);
        }
    }
}
