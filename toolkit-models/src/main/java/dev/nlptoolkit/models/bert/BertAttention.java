package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.ScaledDotProductAttention;

/**
 * The attention sub-layer of a BERT layer (Devlin et al. 2019): self-attention, then
 * LayerNorm(dropout(dense(context)) + hidden).
 *
 * <p>Shapes: hidden (B, T, E) and attention mask (B, T) -> (B, T, E) and probabilities (B, N, T, T).
 */
public final class BertAttention extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BertSelfAttention self;
    private final BertOutput output;

    BertAttention(BertConfig config) {
        super(VERSION);
        self = addChildBlock("self", new BertSelfAttention(config));
        output = addChildBlock("output", new BertOutput(config));
    }

    /**
     * @param hidden (B, T, E)
     * @param visible (B, 1, 1, T): boolean, true for real keys, or its additive form
     */
    public BertAttentionResult attend(
            ParameterStore parameterStore, NDArray hidden, NDArray visible, boolean training) {
        BertAttentionResult context = self.attend(parameterStore, hidden, visible, training);
        NDArray out = output.apply(parameterStore, context.output(), hidden, training);
        return new BertAttentionResult(out, context.probabilities());
    }

    /** Hidden (B, T, E) and attention mask (B, T) -> (B, T, E) and probabilities (B, N, T, T). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        BertAttentionResult r = attend(parameterStore, inputs.get(0),
                ScaledDotProductAttention.keyVisibility(inputs.get(1)), training);
        return new NDList(r.output(), r.probabilities());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return self.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        self.initialize(manager, dataType, inputShapes);
        output.initialize(manager, dataType, inputShapes[0], inputShapes[0]);
    }
}
