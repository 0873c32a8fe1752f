package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.core.ndarray.Temporaries;
import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;

/**
 * A stack of {@link TransformerEncoderLayer}s (Vaswani et al. 2017), named {@code layers.0},
 * {@code layers.1}, ... as in {@code torch.nn.TransformerEncoder}; with PRE normalisation a final
 * LayerNorm {@code norm} follows, as pre-norm stacks need (torch's {@code norm=LayerNorm(E)}).
 *
 * <p>Input {@link AttentionInput#selfAttention}: x (B, T, E), mask (B, T). Output (B, T, E).
 */
public final class TransformerEncoder extends LayerStack<TransformerEncoderLayer> {

    private TransformerEncoder(Builder builder) {
        super(builder, config -> TransformerEncoderLayer.builder().setConfig(config).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The typed forward pass: (B, T, E) -> (B, T, E). */
    public NDArray encode(ParameterStore ps, AttentionInput input, boolean training) {
        return encodeWithLastWeights(ps, input, training).output();
    }

    /** The forward pass, with the last layer's attention probabilities (B, N, T, T) as the weights. */
    public AttentionOutput encodeWithLastWeights(ParameterStore ps, AttentionInput input, boolean training) {
        AttentionOutput x = new AttentionOutput(input.query(), null);
        // every layer applies the same padding (and causal) mask: build it once, not per layer
        AttentionInput keys = input.withVisibilityMadeOnce(input.query().getDataType());
        for (int i = 0; i < layers.size(); i++) {
            TransformerEncoderLayer layer = layers.get(i);
            AttentionInput in = keys.withQuery(x.output());
            if (training) {
                x = layer.encodeWithWeights(ps, in, true);
                continue;
            }
            // without training, each layer's intermediate arrays are freed when it returns, and so is
            // the previous layer's output, instead of all layers' when the caller's manager closes
            boolean last = i == layers.size() - 1;
            AttentionOutput out = Temporaries.freedOnReturn(() -> layer.encodeWithWeights(ps, in, false),
                    r -> last ? new NDList(r.output(), r.weights()) : new NDList(r.output()), in.arrays());
            if (x.output() != input.query()) {
                x.output().close();
            }
            x = last ? out : new AttentionOutput(out.output(), null);
        }
        return new AttentionOutput(finalNorm(ps, x.output(), training), x.weights());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(ps, AttentionInput.fromNDList(inputs), training));
    }

    /** Builds a {@link TransformerEncoder}; {@code setConfig} and {@code setLayers} are required. */
    public static final class Builder extends LayerStack.Builder<TransformerEncoder, Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        @Override
        TransformerEncoder create() {
            return new TransformerEncoder(this);
        }
    }
}
