package dev.nlptoolkit.models.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.ParameterList;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.ScaledDotProductAttention;
import dev.nlptoolkit.models.linear.Linears;

/**
 * BERT's multi-head self-attention (Devlin et al. 2019; Vaswani et al. 2017): query, key and value
 * projections of the same sequence, then {@link ScaledDotProductAttention} with padded keys hidden.
 *
 * <p>Shapes: hidden (B, T, E) and attention mask (B, T) -> context (B, T, E) and probabilities
 * (B, N, T, T); E = N * H.
 */
public final class BertSelfAttention extends AbstractBlock {

    private static final byte VERSION = 1;
    /** Query, key and value. */
    private static final int PROJECTIONS = 3;
    /** DJL's names of a Linear's parameters. */
    private static final String WEIGHT = "weight";
    private static final String BIAS = "bias";

    private final int heads;
    private final float dropout;
    private final Linear query;
    private final Linear key;
    private final Linear value;

    BertSelfAttention(BertConfig config) {
        super(VERSION);
        heads = config.numAttentionHeads();
        dropout = (float) config.attentionProbsDropoutProb();
        query = addChildBlock("query", Linear.builder().setUnits(config.hiddenSize()).build());
        key = addChildBlock("key", Linear.builder().setUnits(config.hiddenSize()).build());
        value = addChildBlock("value", Linear.builder().setUnits(config.hiddenSize()).build());
    }

    /**
     * @param hidden (B, T, E)
     * @param visible (B, 1, 1, T): boolean, true for real keys ({@link ScaledDotProductAttention#keyVisibility}),
     *     or its additive form ({@link ScaledDotProductAttention#additiveMask})
     */
    public BertAttentionResult attend(
            ParameterStore parameterStore, NDArray hidden, NDArray visible, boolean training) {
        // (B, T, E) -> (B, T, 3E) -> 3 x (B, T, E) -> (B, N, T, H); split gives views
        NDList qkv = projectQueryKeyValue(parameterStore, hidden, training).split(PROJECTIONS, 2);
        NDArray q = ScaledDotProductAttention.splitHeads(qkv.get(0), heads);
        NDArray k = ScaledDotProductAttention.splitHeads(qkv.get(1), heads);
        NDArray v = ScaledDotProductAttention.splitHeads(qkv.get(2), heads);
        ScaledDotProductAttention.Result r = ScaledDotProductAttention.apply(q, k, v, visible, dropout, training);
        // (B, N, T, H) -> (B, T, E)
        return new BertAttentionResult(ScaledDotProductAttention.mergeHeads(r.output()), r.probabilities());
    }

    /**
     * The query, key and value projections as one product: their weights stacked to (3E, E) and biases
     * to (3E), as {@code torch.nn.MultiheadAttention}'s {@code in_proj}, while the parameters keep
     * their checkpoint names. One (B T, E) x (E, 3E) product reads the hidden states once, and backward
     * gives their gradient from one product instead of summing three; the stacking copies only weights.
     *
     * @return (B, T, 3E)
     */
    private NDArray projectQueryKeyValue(ParameterStore parameterStore, NDArray hidden, boolean training) {
        Device device = hidden.getDevice();
        NDList weights = new NDList(PROJECTIONS);
        NDList biases = new NDList(PROJECTIONS);
        for (Linear projection : new Linear[] {query, key, value}) {
            ParameterList parameters = projection.getDirectParameters();
            weights.add(parameterStore.getValue(parameters.get(WEIGHT), device, training));
            biases.add(parameterStore.getValue(parameters.get(BIAS), device, training));
        }
        // concat puts its result in the first array's manager, the parameters': move the stacks to the
        // step's manager, or they would pile up there, one pair per call
        NDArray stackedWeight = NDArrays.concat(weights, 0);
        NDArray stackedBias = NDArrays.concat(biases, 0);
        stackedWeight.attach(hidden.getManager());
        stackedBias.attach(hidden.getManager());
        return Linears.linear(hidden, stackedWeight, stackedBias);
    }

    /** Hidden (B, T, E) and attention mask (B, T) -> context (B, T, E) and probabilities (B, N, T, T). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        BertAttentionResult r = attend(parameterStore, inputs.get(0),
                ScaledDotProductAttention.keyVisibility(inputs.get(1)), training);
        return new NDList(r.output(), r.probabilities());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = inputShapes[0];
        long batch = hidden.get(0);
        long time = hidden.get(1);
        return new Shape[] {hidden, new Shape(batch, heads, time, time)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        query.initialize(manager, dataType, inputShapes[0]);
        key.initialize(manager, dataType, inputShapes[0]);
        value.initialize(manager, dataType, inputShapes[0]);
    }
}
