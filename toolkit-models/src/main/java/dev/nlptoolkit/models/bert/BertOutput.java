package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.linear.Linears;
import dev.nlptoolkit.models.transformer.LayerNorm;

/**
 * The residual sub-layer end of a BERT layer (Devlin et al. 2019): LayerNorm(dropout(dense(x)) + residual).
 * transformers has two identical classes for it (BertSelfOutput after attention, BertOutput after the
 * feed-forward); here one class serves both, the input width fixing the dense layer's.
 *
 * <p>Shapes: x (B, T, D) and residual (B, T, E) -> (B, T, E); D = E after attention, D = I after the
 * intermediate layer.
 */
public final class BertOutput extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear dense;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    BertOutput(BertConfig config) {
        super(VERSION);
        dense = addChildBlock("dense", Linear.builder().setUnits(config.hiddenSize()).build());
        layerNorm = addChildBlock("LayerNorm", LayerNorm.builder().optEps((float) config.layerNormEps()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.hiddenDropoutProb()).build());
    }

    /** x (B, T, D) and residual (B, T, E) -> (B, T, E). */
    public NDArray apply(ParameterStore parameterStore, NDArray x, NDArray residual, boolean training) {
        NDArray projected = Linears.forward(parameterStore, dense, x, training);
        NDArray dropped = dropout.forward(parameterStore, new NDList(projected), training).singletonOrThrow();
        return layerNorm.forward(parameterStore, new NDList(dropped.add(residual)), training).singletonOrThrow();
    }

    /** x (B, T, D) and residual (B, T, E) -> (B, T, E). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(parameterStore, inputs.get(0), inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[1]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes[0]);
        Shape out = dense.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        dropout.initialize(manager, dataType, out);
        layerNorm.initialize(manager, dataType, out);
    }
}
