package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;
import dev.nlptoolkit.models.attention.KeyValue;
import dev.nlptoolkit.models.attention.KeyValueCache;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@link TransformerDecoderLayer}s (Vaswani et al. 2017), named {@code layers.0}, ... as
 * in {@code torch.nn.TransformerDecoder}, with a final LayerNorm {@code norm} under PRE
 * normalisation. Decodes a whole target at once ({@link #decode}) or step by step with cached
 * keys/values ({@link #start}, {@link #step}) for greedy or beam search.
 *
 * <p>Input {@link DecoderInput}: target (B, T, E), target mask (B, T), memory (B, S, E), memory
 * mask (B, S). Output (B, T, E).
 */
public final class TransformerDecoder extends LayerStack<TransformerDecoderLayer> {

    /**
     * One incremental step: the output (B, Tq, E) for the new positions, the state, now extended by
     * them, and the last layer's cross-attention probabilities (B, N, Tq, S), the alignment fairseq
     * reports.
     */
    public record Step(NDArray output, DecoderState state, NDArray memoryAttention) {}

    private TransformerDecoder(Builder builder) {
        super(builder, config -> TransformerDecoderLayer.builder().setConfig(config).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The typed forward pass over a whole target, causally masked: (B, T, E) -> (B, T, E). */
    public NDArray decode(ParameterStore ps, DecoderInput input, boolean training) {
        NDArray x = input.target();
        // every layer applies the same causal, target and memory masks: build them once, not per layer
        DataType dataType = x.getDataType();
        AttentionInput self = TransformerDecoderLayer.selfAttention(input).withVisibilityMadeOnce(dataType);
        AttentionInput cross = TransformerDecoderLayer.crossAttention(input).withVisibilityMadeOnce(dataType);
        for (TransformerDecoderLayer layer : layers) {
            x = layer.decode(ps, x, self, cross, training);
        }
        return finalNorm(ps, x, training);
    }

    /**
     * The state before the first step: each layer's projection of {@code memory} (B, S, E), in a new
     * sub-manager of the memory's manager that the state owns.
     */
    public DecoderState start(ParameterStore ps, NDArray memory, NDArray memoryMask, boolean training) {
        return start(ps, memory, memoryMask, memory.getManager().newSubManager(), KeyValueCache.DEFAULT_CAPACITY,
                training);
    }

    /**
     * The state before the first step, owned by {@code owner}.
     *
     * @param memoryMask (B, S), nonzero for real tokens, or null; the state keeps its additive form
     * @param capacity positions the self-attention caches hold before they first grow (e.g. the
     *     longest output expected); they double when full
     */
    public DecoderState start(ParameterStore ps, NDArray memory, NDArray memoryMask, NDManager owner, int capacity,
            boolean training) {
        List<KeyValue> projected = new ArrayList<>();
        for (TransformerDecoderLayer layer : layers) {
            projected.add(layer.projectMemory(ps, memory, training).contiguous());
        }
        return new DecoderState(owner, projected, memoryMask, capacity);
    }

    /**
     * Decodes the new positions {@code target} (B, Tq, E), usually Tq = 1, after those in {@code state},
     * which it extends in place; equal to the matching rows of {@link #decode} over the whole target.
     * Targets are not padded here: finished hypotheses are the search's business. Temporaries close
     * with the step; the output is in the target's manager.
     */
    public Step step(ParameterStore ps, NDArray target, DecoderState state, boolean training) {
        NDManager caller = target.getManager();
        try (NDManager scope = state.owner().newSubManager()) {
            // results of operations on the state's arrays are created in this scope, not in the owner
            scope.tempAttachAll(state.memoryArrays());
            AttentionOutput x = new AttentionOutput(target, null);
            for (int i = 0; i < layers.size(); i++) {
                x = layers.get(i).step(ps, x.output(), state.cache(i), state.memory(i), state.memoryVisibility(),
                        training);
            }
            NDArray out = finalNorm(ps, x.output(), training);
            NDList kept = new NDList(out, x.weights());
            kept.attach(caller);
            return new Step(out, state, x.weights());
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(decode(ps, DecoderInput.fromNDList(inputs), training));
    }

    /** Builds a {@link TransformerDecoder}; {@code setConfig} and {@code setLayers} are required. */
    public static final class Builder extends LayerStack.Builder<TransformerDecoder, Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        @Override
        TransformerDecoder create() {
            return new TransformerDecoder(this);
        }
    }
}
