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
 * One post-norm Transformer encoder layer of BERT (Devlin et al. 2019; Vaswani et al. 2017):
 * attention sub-layer, then the feed-forward sub-layer, each with residual and layer norm.
 *
 * <p>Shapes: hidden (B, T, E) and attention mask (B, T) -> (B, T, E) and probabilities (B, N, T, T).
 */
public final class BertLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final BertAttention attention;
    private final BertIntermediate intermediate;
    private final BertOutput output;

    BertLayer(BertConfig config) {
        super(VERSION);
        attention = addChildBlock("attention", new BertAttention(config));
        intermediate = addChildBlock("intermediate", new BertIntermediate(config));
        output = addChildBlock("output", new BertOutput(config));
    }

    /**
     * @param hidden (B, T, E)
     * @param visible (B, 1, 1, T): boolean, true for real keys, or its additive form
     */
    public BertAttentionResult apply(
            ParameterStore parameterStore, NDArray hidden, NDArray visible, boolean training) {
        BertAttentionResult attended = attention.attend(parameterStore, hidden, visible, training);
        // (B, T, E) -> (B, T, I)
        NDArray widened = intermediate.forward(parameterStore, new NDList(attended.output()), training)
                .singletonOrThrow();
        // (B, T, I) -> (B, T, E)
        NDArray out = output.apply(parameterStore, widened, attended.output(), training);
        return new BertAttentionResult(out, attended.probabilities());
    }

    /** Hidden (B, T, E) and attention mask (B, T) -> (B, T, E) and probabilities (B, N, T, T). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        BertAttentionResult r = apply(parameterStore, inputs.get(0),
                ScaledDotProductAttention.keyVisibility(inputs.get(1)), training);
        return new NDList(r.output(), r.probabilities());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return attention.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        attention.initialize(manager, dataType, inputShapes);
        intermediate.initialize(manager, dataType, inputShapes[0]);
        Shape widened = intermediate.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        output.initialize(manager, dataType, widened, inputShapes[0]);
    }
}
