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

import dev.nlptoolkit.models.linear.Linears;

/**
 * The widening half of BERT's position-wise feed-forward network (Devlin et al. 2019): act(dense(x)).
 *
 * <p>Shapes: (B, T, E) -> (B, T, I), I = intermediate_size.
 */
public final class BertIntermediate extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BertActivation activation;
    private final Linear dense;

    BertIntermediate(BertConfig config) {
        super(VERSION);
        activation = config.hiddenAct();
        dense = addChildBlock("dense", Linear.builder().setUnits(config.intermediateSize()).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray projected = Linears.forward(parameterStore, dense, inputs.singletonOrThrow(), training);
        return new NDList(activation.apply(projected));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return dense.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, inputShapes);
    }
}
