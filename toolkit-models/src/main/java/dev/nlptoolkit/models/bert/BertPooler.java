package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * BERT's pooler (Devlin et al. 2019): tanh(dense(h_0)), the first ([CLS]) token's final state.
 *
 * <p>Shapes: (B, T, E) -> (B, E).
 */
public final class BertPooler extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The sequence summary token ([CLS]) is the first. */
    private static final NDIndex FIRST_TOKEN = new NDIndex(":, 0, :");

    private final Linear dense;

    BertPooler(BertConfig config) {
        super(VERSION);
        dense = addChildBlock("dense", Linear.builder().setUnits(config.hiddenSize()).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        // (B, T, E) -> (B, E)
        NDArray first = inputs.singletonOrThrow().get(FIRST_TOKEN);
        return new NDList(dense.forward(parameterStore, new NDList(first), training).singletonOrThrow().tanh());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = inputShapes[0];
        return new Shape[] {new Shape(hidden.get(0), hidden.get(2))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        dense.initialize(manager, dataType, getOutputShapes(inputShapes));
    }
}
