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
import dev.nlptoolkit.models.attention.CrossAttention;
import dev.nlptoolkit.models.attention.KeyValue;
import dev.nlptoolkit.models.attention.KeyValueCache;
import dev.nlptoolkit.models.attention.SelfAttention;

import java.util.function.UnaryOperator;

/**
 * One transformer decoder layer (Vaswani et al. 2017): causal self-attention, cross-attention to
 * the encoder's memory, then a feed-forward block, each residual with a LayerNorm placed POST or
 * PRE. Children are named as in {@code torch.nn.TransformerDecoderLayer} ({@code self_attn},
 * {@code multihead_attn}, {@code linear1}, {@code linear2}, {@code norm1..3}).
 *
 * <p>Input {@link DecoderInput}: target (B, T, E), target mask (B, T), memory (B, S, E), memory
 * mask (B, S). Output (B, T, E). {@link #step} decodes new positions against cached keys/values.
 */
public final class TransformerDecoderLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TransformerLayerConfig config;
    private final SelfAttention selfAttn;
    private final CrossAttention multiheadAttn;
    private final Linear linear1;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final LayerNorm norm3;

    private TransformerDecoderLayer(TransformerLayerConfig config) {
        super(VERSION);
        this.config = config;
        selfAttn = addChildBlock("self_attn", SelfAttention.builder().setEmbedDim(config.embedDim())
                .setHeads(config.heads()).optDropout(config.dropout()).build());
        multiheadAttn = addChildBlock("multihead_attn", CrossAttention.builder().setEmbedDim(config.embedDim())
                .setHeads(config.heads()).optDropout(config.dropout()).build());
        linear1 = addChildBlock("linear1", Linear.builder().setUnits(config.feedForwardDim()).build());
        linear2 = addChildBlock("linear2", Linear.builder().setUnits(config.embedDim()).build());
        norm1 = addChildBlock("norm1", LayerNorm.builder().optEps(config.layerNormEps()).build());
        norm2 = addChildBlock("norm2", LayerNorm.builder().optEps(config.layerNormEps()).build());
        norm3 = addChildBlock("norm3", LayerNorm.builder().optEps(config.layerNormEps()).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public TransformerLayerConfig getConfig() {
        return config;
    }

    /** The typed forward pass over a whole target: (B, T, E) -> (B, T, E). */
    public NDArray decode(ParameterStore ps, DecoderInput input, boolean training) {
        return decode(ps, input.target(), selfAttention(input), crossAttention(input), training);
    }

    /**
     * The forward pass over {@code target} (B, T, E) with the inputs of its two attentions given, whose
     * queries each sublayer replaces: a stack makes their masks once for all its layers.
     */
    NDArray decode(ParameterStore ps, NDArray target, AttentionInput self, AttentionInput cross, boolean training) {
        NDArray x = Sublayers.residual(ps, target, norm1,
                h -> selfAttn.attend(ps, self.withQuery(h), training).output(), config, training);
        return crossAndFeedForward(ps, x, h -> multiheadAttn.attend(ps, cross.withQuery(h), training).output(),
                training);
    }

    /** The target attending to itself, causally and under its padding mask. */
    static AttentionInput selfAttention(DecoderInput input) {
        return AttentionInput.selfAttention(input.target(), input.targetMask()).withCausalMask();
    }

    /** The target attending to the memory under the memory's padding mask. */
    static AttentionInput crossAttention(DecoderInput input) {
        return AttentionInput.of(input.target(), input.memory(), input.memoryMask());
    }

    /**
     * Projects the memory (B, S, E) for this layer's cross-attention, once per sequence.
     */
    public KeyValue projectMemory(ParameterStore ps, NDArray memory, boolean training) {
        return multiheadAttn.projectMemory(ps, memory, training);
    }

    /**
     * Decodes the new positions {@code target} (B, Tq, E) after the cached ones, appending their
     * self-attention keys and values to {@code cache} in place.
     *
     * @param cache self-attention keys/values of the earlier positions (empty at the first step)
     * @param memory this layer's projected memory (see {@link #projectMemory})
     * @param memoryVisibility which memory positions are visible, broadcastable to (B, N, Tq, S): boolean
     *     or additive ({@link DecoderState#memoryVisibility}), or null
     * @return the output (B, Tq, E) and the cross-attention probabilities (B, N, Tq, S)
     */
    public AttentionOutput step(ParameterStore ps, NDArray target, KeyValueCache cache, KeyValue memory,
            NDArray memoryVisibility, boolean training) {
        NDArray h = Sublayers.sublayerInput(ps, target, norm1, config, training);
        AttentionOutput self = selfAttn.step(ps, AttentionInput.selfAttention(h, null).withCausalMask(), cache,
                training);
        NDArray x = Sublayers.residualOutput(ps, target, self.output(), norm1, config, training);
        NDArray[] crossWeights = new NDArray[1];
        NDArray out = crossAndFeedForward(ps, x, q -> {
            AttentionOutput cross = multiheadAttn.attendVisible(ps, q, memory, memoryVisibility, training);
            crossWeights[0] = cross.weights();
            return cross.output();
        }, training);
        return new AttentionOutput(out, crossWeights[0]);
    }

    private NDArray crossAndFeedForward(ParameterStore ps, NDArray x,
            UnaryOperator<NDArray> cross, boolean training) {
        NDArray y = Sublayers.residual(ps, x, norm2, cross, config, training);
        return Sublayers.residual(ps, y, norm3,
                h -> Sublayers.feedForward(ps, h, linear1, linear2, config, training), config, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(decode(ps, DecoderInput.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape token = Sublayers.tokenShape(config.embedDim());
        selfAttn.initialize(manager, dataType, token);
        multiheadAttn.initialize(manager, dataType, token, token);
        linear1.initialize(manager, dataType, token);
        linear2.initialize(manager, dataType, Sublayers.tokenShape(config.feedForwardDim()));
        norm1.initialize(manager, dataType, token);
        norm2.initialize(manager, dataType, token);
        norm3.initialize(manager, dataType, token);
    }

    /** Builds a {@link TransformerDecoderLayer}; {@code setConfig} is required. */
    public static final class Builder {
        private TransformerLayerConfig config;

        private Builder() {}

        public Builder setConfig(TransformerLayerConfig config) {
            this.config = config;
            return this;
        }

        public TransformerDecoderLayer build() {
            if (config == null) {
                throw new IllegalArgumentException(
                        "TransformerDecoderLayer needs setConfig(TransformerLayerConfig.of(embedDim, heads, feedForwardDim))");
            }
            return new TransformerDecoderLayer(config);
        }
    }
}
