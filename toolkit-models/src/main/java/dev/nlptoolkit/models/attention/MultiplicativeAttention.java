package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.linear.Linears;

/**
 * Multiplicative attention for RNN encoder-decoders (Luong, Pham and Manning 2015, "Effective
 * Approaches to Attention-based Neural Machine Translation"): score(q, k) = q^T W_a k
 * ({@link LuongScore#GENERAL}) or q^T k ({@link LuongScore#DOT}).
 *
 * <p>Input {@link AttentionInput#of}: query (B, Eq) or (B, Tq, Eq), keys (B, Tk, Ek), mask (B, Tk)
 * nonzero for real tokens. Output context (B, [Tq,] Ek) and weights (B, [Tq,] Tk). GENERAL has one
 * parameter, {@code key_proj.weight} (Eq, Ek) = W_a.
 */
public final class MultiplicativeAttention extends AlignmentAttentionBase {

    private static final byte VERSION = 1;

    private final LuongScore score;
    private final int querySize;
    /** W_a applied to the keys; null for DOT. */
    private final Linear keyProj;

    private MultiplicativeAttention(Builder builder) {
        super(VERSION);
        score = builder.score;
        querySize = builder.querySize;
        keyProj = score == LuongScore.GENERAL
                ? addChildBlock("key_proj", Linear.builder().setUnits(querySize).optBias(false).build())
                : null;
    }

    public static Builder builder() {
        return new Builder();
    }

    public LuongScore getScore() {
        return score;
    }

    @Override
    NDArray scores(ParameterStore ps, NDArray query, NDArray keys, boolean training) {
        long keySize = keys.getShape().get(2);
        if (query.getShape().get(2) != querySize || (keyProj == null && keySize != querySize)) {
            throw new IllegalArgumentException("MultiplicativeAttention (" + score + ") was built for queries of size "
                    + querySize + (keyProj == null ? " and keys of the same size" : "") + " but got queries "
                    + query.getShape() + " and keys " + keys.getShape());
        }
        // GENERAL: (B, Tk, Ek) -> (B, Tk, Eq)
        NDArray k = keyProj == null ? keys : Linears.forward(ps, keyProj, keys, training);
        // (B, Tq, Eq) x (B, Eq, Tk) -> (B, Tq, Tk)
        return query.matMul(k.transpose(0, 2, 1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (keyProj != null) {
            keyProj.initialize(manager, dataType, inputShapes[1]);
        }
    }

    /** Builds a {@link MultiplicativeAttention}; {@code setQuerySize} is required. */
    public static final class Builder {
        private LuongScore score = LuongScore.GENERAL;
        private int querySize;

        private Builder() {}

        /** Eq, the size of the queries (the decoder state). */
        public Builder setQuerySize(int querySize) {
            this.querySize = querySize;
            return this;
        }

        /** The score function (default {@link LuongScore#GENERAL}). */
        public Builder optScore(LuongScore score) {
            this.score = score;
            return this;
        }

        public MultiplicativeAttention build() {
            if (querySize <= 0) {
                throw new IllegalArgumentException(
                        "MultiplicativeAttention needs setQuerySize(Eq > 0), the decoder state size, got " + querySize);
            }
            if (score == null) {
                throw new IllegalArgumentException("MultiplicativeAttention score must be LuongScore.DOT or GENERAL, got null");
            }
            return new MultiplicativeAttention(this);
        }
    }
}
