package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * What {@link AdditiveAttention} and {@link MultiplicativeAttention} share: a decoder query attends
 * over encoder states that are both keys and values; only the score function differs.
 *
 * <p>Input {@link AttentionInput#of}: query (B, Eq) or (B, Tq, Eq), keys (B, Tk, Ek), mask (B, Tk).
 * Output context (B, Ek) or (B, Tq, Ek), then weights (B, Tk) or (B, Tq, Tk).
 */
abstract class AlignmentAttentionBase extends AbstractBlock {

    /** Axis of Tq once a single query (B, Eq) is given a length of one. */
    private static final int QUERY_AXIS = 1;

    AlignmentAttentionBase(byte version) {
        super(version);
    }

    /** Unnormalised scores (B, Tq, Tk) of queries (B, Tq, Eq) against keys (B, Tk, Ek). */
    abstract NDArray scores(ParameterStore ps, NDArray query, NDArray keys, boolean training);

    /** The typed forward pass: context and weights, shaped as the query (see class javadoc). */
    public AttentionOutput attend(ParameterStore ps, AttentionInput input, boolean training) {
        if (input.isSelfAttention() || input.isCausal()) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + " attends a query to encoder states: pass AttentionInput.of(query, keys, mask)");
        }
        NDArray query = input.query();
        boolean single = query.getShape().dimension() == 2;
        // (B, Eq) -> (B, 1, Eq)
        NDArray queries = single ? query.expandDims(QUERY_AXIS) : query;
        NDArray keys = input.keyValue();
        NDArray scores = scores(ps, queries, keys, training);
        NDArray mask = input.keyMask();
        // (B, Tk) -> (B, 1, Tk), shared by every query
        NDArray visible = mask == null ? null : mask.neq(0).expandDims(QUERY_AXIS);
        NDArray weights = ScaledDotProductAttention.maskedSoftmax(scores, visible);
        // (B, Tq, Tk) x (B, Tk, Ek) -> (B, Tq, Ek)
        NDArray context = weights.matMul(keys);
        return single
                ? new AttentionOutput(context.squeeze(QUERY_AXIS), weights.squeeze(QUERY_AXIS))
                : new AttentionOutput(context, weights);
    }

    @Override
    protected final NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return attend(ps, AttentionInput.fromNDList(inputs), training).toNDList(true);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape query = inputShapes[0];
        Shape keys = inputShapes[1];
        Shape leading = query.slice(0, query.dimension() - 1);
        return new Shape[] {leading.add(keys.get(2)), leading.add(keys.get(1))};
    }
}
