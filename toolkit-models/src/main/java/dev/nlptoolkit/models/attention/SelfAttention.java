package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Multi-head self-attention (Vaswani et al. 2017, "Attention Is All You Need"): a sequence attends
 * to itself under its padding mask and, optionally, a causal mask. Parameters are named as in
 * {@code torch.nn.MultiheadAttention} ({@code in_proj_weight}, {@code in_proj_bias},
 * {@code out_proj.weight}, {@code out_proj.bias}), so its state dict loads by name.
 *
 * <p>Input {@link AttentionInput#selfAttention}: x (B, T, E), mask (B, T). Output (B, T, E) and,
 * with {@code optReturnWeights(true)}, per-head weights (B, N, T, T); E = N * H.
 */
public final class SelfAttention extends MultiHeadAttentionBase {

    /** One incremental step: the output for the new positions and the cache including them. */
    public record Step(AttentionOutput output, KeyValue cache) {}

    private SelfAttention(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The typed forward pass: output (B, T, E) and per-head weights (B, N, T, T). */
    @Override
    public AttentionOutput attend(ParameterStore ps, AttentionInput input, boolean training) {
        return step(ps, input, (KeyValue) null, training).output();
    }

    /**
     * Attends the new positions of {@code input} (B, Tq, E) to the cached ones and to themselves.
     *
     * @param past keys/values of the earlier positions (B, N, Tp, H), or null at the first step
     * @param input the new positions; its mask, if any, covers all Tp + Tq keys
     * @return output (B, Tq, E), weights (B, N, Tq, Tp + Tq), and the cache of all Tp + Tq positions
     */
    public Step step(ParameterStore ps, AttentionInput input, KeyValue past, boolean training) {
        if (!input.isSelfAttention()) {
            throw new IllegalArgumentException(
                    "SelfAttention takes AttentionInput.selfAttention(x, mask); use CrossAttention for keys from another sequence");
        }
        Projected current = projectAll(ps, input.query(), training);
        KeyValue all = past == null ? current.keyValue() : past.append(current.keyValue());
        return new Step(attendHeads(ps, current.query(), all, input.visibility(all.length()), training), all);
    }

    /**
     * Attends the new positions of {@code input} (B, Tq, E) to the cached ones and to themselves,
     * writing their keys and values into {@code cache} in place (no copy of the earlier positions).
     *
     * @param input the new positions; its mask, if any, covers all t + Tq keys
     * @return output (B, Tq, E) and weights (B, N, Tq, t + Tq); temporaries in the query's manager
     */
    public AttentionOutput step(ParameterStore ps, AttentionInput input, KeyValueCache cache, boolean training) {
        if (!input.isSelfAttention()) {
            throw new IllegalArgumentException("SelfAttention takes AttentionInput.selfAttention(x, mask); use"
                    + " CrossAttention for keys from another sequence");
        }
        NDArray x = input.query();
        Projected current = projectAll(ps, x, training);
        cache.append(current.keyValue());
        KeyValue all = cache.view(x.getManager());
        return attendHeads(ps, current.query(), all, input.visibility(all.length()), training);
    }

    @Override
    long keyLength(Shape[] inputShapes) {
        return inputShapes[0].get(1);
    }

    /** Builds a {@link SelfAttention}; {@code setEmbedDim} and {@code setHeads} are required. */
    public static final class Builder extends BaseBuilder<Builder> {
        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public SelfAttention build() {
            validate("SelfAttention");
            return new SelfAttention(this);
        }
    }
}
