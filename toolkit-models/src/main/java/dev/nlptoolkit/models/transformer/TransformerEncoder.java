package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;

import java.util.ArrayList;
import java.util.List;

/**
 * A stack of {@link TransformerEncoderLayer}s (Vaswani et al. 2017), named {@code layers.0},
 * {@code layers.1}, ... as in {@code torch.nn.TransformerEncoder}; with PRE normalisation a final
 * LayerNorm {@code norm} follows, as pre-norm stacks need (torch's {@code norm=LayerNorm(E)}).
 *
 * <p>Input {@link AttentionInput#selfAttention}: x (B, T, E), mask (B, T). Output (B, T, E).
 */
public final class TransformerEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TransformerLayerConfig config;
    private final List<TransformerEncoderLayer> layers = new ArrayList<>();
    private final LayerNorm norm;

    private TransformerEncoder(Builder builder) {
        super(VERSION);
        config = builder.config;
        for (int i = 0; i < builder.layers; i++) {
            layers.add(addChildBlock("layers." + i, TransformerEncoderLayer.builder().setConfig(config).build()));
        }
        norm = config.normPlacement() == NormPlacement.PRE
                ? addChildBlock("norm", LayerNorm.builder().optEps(config.layerNormEps()).build())
                : null;
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
        for (TransformerEncoderLayer layer : layers) {
            x = layer.encodeWithWeights(ps, keys.withQuery(x.output()), training);
        }
        return norm == null ? x : new AttentionOutput(Sublayers.apply(ps, norm, x.output(), training), x.weights());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(ps, AttentionInput.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (TransformerEncoderLayer layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
        if (norm != null) {
            norm.initialize(manager, dataType, Sublayers.tokenShape(config.embedDim()));
        }
    }

    /** Builds a {@link TransformerEncoder}; {@code setConfig} and {@code setLayers} are required. */
    public static final class Builder {
        private TransformerLayerConfig config;
        private int layers;

        private Builder() {}

        public Builder setConfig(TransformerLayerConfig config) {
            this.config = config;
            return this;
        }

        /** The number of layers. */
        public Builder setLayers(int layers) {
            this.layers = layers;
            return this;
        }

        public TransformerEncoder build() {
            if (config == null || layers <= 0) {
                throw new IllegalArgumentException("TransformerEncoder needs setConfig(...) and setLayers(n > 0), got "
                        + config + " and " + layers + " layers");
            }
            return new TransformerEncoder(this);
        }
    }
}
