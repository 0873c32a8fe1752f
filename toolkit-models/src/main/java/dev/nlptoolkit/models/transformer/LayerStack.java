package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the encoder and decoder stacks share: layers named {@code layers.0}, {@code layers.1}, ... as
 * in torch's {@code TransformerEncoder} and {@code TransformerDecoder}, and under PRE normalisation the
 * final LayerNorm {@code norm} that pre-norm stacks need (torch's {@code norm=LayerNorm(E)}). Output
 * shape = input shape.
 *
 * @param <L> the layer type
 */
abstract class LayerStack<L extends AbstractBlock> extends AbstractBlock {

    private static final byte VERSION = 1;

    final TransformerLayerConfig config;
    final List<L> layers = new ArrayList<>();
    private final LayerNorm norm;

    LayerStack(Builder<?, ?> builder, Function<TransformerLayerConfig, L> layer) {
        super(VERSION);
        config = builder.config;
        for (int i = 0; i < builder.layers; i++) {
            layers.add(addChildBlock("layers." + i, layer.apply(config)));
        }
        norm = config.normPlacement() == NormPlacement.PRE
                ? addChildBlock("norm", LayerNorm.builder().optEps(config.layerNormEps()).build())
                : null;
    }

    /** The stack's output from the last layer's: normalised under PRE, as it is under POST. */
    NDArray finalNorm(ParameterStore ps, NDArray x, boolean training) {
        return norm == null ? x : Sublayers.apply(ps, norm, x, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (L layer : layers) {
            layer.initialize(manager, dataType, inputShapes);
        }
        if (norm != null) {
            norm.initialize(manager, dataType, Sublayers.tokenShape(config.embedDim()));
        }
    }

    /**
     * Builds a stack; {@code setConfig} and {@code setLayers} are required.
     *
     * @param <S> the stack built
     * @param <B> the concrete builder, returned by the setters
     */
    abstract static class Builder<S, B extends Builder<S, B>> {
        private TransformerLayerConfig config;
        private int layers;

        abstract B self();

        abstract S create();

        public B setConfig(TransformerLayerConfig config) {
            this.config = config;
            return self();
        }

        /** The number of layers. */
        public B setLayers(int layers) {
            this.layers = layers;
            return self();
        }

        public S build() {
            if (config == null || layers <= 0) {
                throw new IllegalArgumentException(getClass().getEnclosingClass().getSimpleName()
                        + " needs setConfig(...) and setLayers(n > 0), got " + config + " and " + layers + " layers");
            }
            return create();
        }
    }
}
