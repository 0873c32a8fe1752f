package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;
import dev.nlptoolkit.models.attention.SelfAttention;

/**
 * One transformer encoder layer (Vaswani et al. 2017): self-attention then a feed-forward block,
 * each residual with a LayerNorm placed POST or PRE. Children are named as in
 * {@code torch.nn.TransformerEncoderLayer} ({@code self_attn}, {@code linear1}, {@code linear2},
 * {@code norm1}, {@code norm2}), so its state dict loads by name.
 *
 * <p>Input {@link AttentionInput#selfAttention}: x (B, T, E), mask (B, T), optionally causal.
 * Output (B, T, E).
 */
public final class TransformerEncoderLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TransformerLayerConfig config;
    private final SelfAttention selfAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;

    private TransformerEncoderLayer(TransformerLayerConfig config) {
        super(VERSION);
        this.config = config;
        selfAttn = addChildBlock("self_attn", SelfAttention.builder().setEmbedDim(config.embedDim())
                .setHeads(config.heads()).optDropout(config.dropout()).build());
        linear1 = addChildBlock("linear1", Linear.builder().setUnits(config.feedForwardDim()).build());
        linear2 = addChildBlock("linear2", Linear.builder().setUnits(config.embedDim()).build());
        norm1 = addChildBlock("norm1", LayerNorm.builder().optEps(config.layerNormEps()).build());
        norm2 = addChildBlock("norm2", LayerNorm.builder().optEps(config.layerNormEps()).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public TransformerLayerConfig getConfig() {
        return config;
    }

    /** The typed forward pass: (B, T, E) -> (B, T, E). */
    public NDArray encode(ParameterStore ps, AttentionInput input, boolean training) {
        return encodeWithWeights(ps, input, training).output();
    }

    /** The forward pass, with its self-attention's probabilities (B, N, T, T) as the weights. */
    public AttentionOutput encodeWithWeights(ParameterStore ps, AttentionInput input, boolean training) {
        if (!input.isSelfAttention()) {
            throw new IllegalArgumentException(
                    "an encoder layer attends a sequence to itself: pass AttentionInput.selfAttention(x, mask)");
        }
        AttentionOutput[] attended = new AttentionOutput[1];
        NDArray x = Sublayers.residual(ps, input.query(), norm1, h -> {
            attended[0] = selfAttn.attend(ps, input.withQuery(h), training);
            return attended[0].output();
        }, config, training);
        NDArray out = Sublayers.residual(ps, x, norm2,
                h -> Sublayers.feedForward(ps, h, linear1, linear2, config, training), config, training);
        return new AttentionOutput(out, attended[0].weights());
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
        Shape token = Sublayers.tokenShape(config.embedDim());
        selfAttn.initialize(manager, dataType, token);
        linear1.initialize(manager, dataType, token);
        linear2.initialize(manager, dataType, Sublayers.tokenShape(config.feedForwardDim()));
        norm1.initialize(manager, dataType, token);
        norm2.initialize(manager, dataType, token);
    }

    /** Builds a {@link TransformerEncoderLayer}; {@code setConfig} is required. */
    public static final class Builder {
        private TransformerLayerConfig config;

        private Builder() {}

        public Builder setConfig(TransformerLayerConfig config) {
            this.config = config;
            return this;
        }

        public TransformerEncoderLayer build() {
            if (config == null) {
                throw new IllegalArgumentException(
                        "TransformerEncoderLayer needs setConfig(TransformerLayerConfig.of(embedDim, heads, feedForwardDim))");
            }
            return new TransformerEncoderLayer(config);
        }
    }
}
