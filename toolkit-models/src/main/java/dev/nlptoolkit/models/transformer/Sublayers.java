package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.linear.Linears;

import java.util.function.UnaryOperator;

/** The residual wiring and feed-forward block shared by encoder and decoder layers. */
final class Sublayers {

    private Sublayers() {}

    /** (1, 1, E): the shape children are initialised with; only E matters to them. */
    static Shape tokenShape(long size) {
        return new Shape(1, 1, size);
    }

    /**
     * One residual sublayer: POST gives norm(x + dropout(f(x))), PRE gives x + dropout(f(norm(x))).
     */
    static NDArray residual(ParameterStore ps, NDArray x, LayerNorm norm, UnaryOperator<NDArray> sublayer,
            TransformerLayerConfig config, boolean training) {
        return residualOutput(ps, x, sublayer.apply(sublayerInput(ps, x, norm, config, training)), norm, config,
                training);
    }

    /** What the sublayer reads: norm(x) for PRE, x for POST. */
    static NDArray sublayerInput(ParameterStore ps, NDArray x, LayerNorm norm, TransformerLayerConfig config,
            boolean training) {
        return config.normPlacement() == NormPlacement.PRE ? apply(ps, norm, x, training) : x;
    }

    /** The residual sum of x and the sublayer's output y: x + dropout(y) for PRE, norm(x + dropout(y)) for POST. */
    static NDArray residualOutput(ParameterStore ps, NDArray x, NDArray y, LayerNorm norm,
            TransformerLayerConfig config, boolean training) {
        NDArray sum = x.add(dropout(y, config, training));
        return config.normPlacement() == NormPlacement.PRE ? sum : apply(ps, norm, sum, training);
    }

    /** linear2(dropout(activation(linear1(x)))): (B, T, E) -> (B, T, F) -> (B, T, E). */
    static NDArray feedForward(ParameterStore ps, NDArray x, Linear linear1, Linear linear2,
            TransformerLayerConfig config, boolean training) {
        NDArray hidden = config.activation().apply(Linears.forward(ps, linear1, x, training));
        return Linears.forward(ps, linear2, dropout(hidden, config, training), training);
    }

    static NDArray apply(ParameterStore ps, Block block, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    static NDArray dropout(NDArray x, TransformerLayerConfig config, boolean training) {
        return training && config.dropout() > 0
                ? Dropout.dropout(x, config.dropout(), true).singletonOrThrow()
                : x;
    }
}
