package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.linear.Linears;

/**
 * Additive attention for RNN encoder-decoders (Bahdanau, Cho and Bengio 2015, "Neural Machine
 * Translation by Jointly Learning to Align and Translate"): score(q, k) = v^T tanh(W_q q + W_k k).
 *
 * <p>Input {@link AttentionInput#of}: query (B, Eq) or (B, Tq, Eq), keys (B, Tk, Ek), mask (B, Tk)
 * nonzero for real tokens. Output context (B, [Tq,] Ek) and weights (B, [Tq,] Tk). Parameters:
 * {@code query_proj.weight} (A, Eq), {@code key_proj.weight} (A, Ek), {@code v.weight} (1, A), A the
 * attention size.
 */
public final class AdditiveAttention extends AlignmentAttentionBase {

    private static final byte VERSION = 1;

    private final Linear queryProj;
    private final Linear keyProj;
    private final Linear v;

    private AdditiveAttention(Builder builder) {
        super(VERSION);
        queryProj = addChildBlock("query_proj", Linear.builder().setUnits(builder.units).optBias(false).build());
        keyProj = addChildBlock("key_proj", Linear.builder().setUnits(builder.units).optBias(false).build());
        v = addChildBlock("v", Linear.builder().setUnits(1).optBias(false).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    NDArray scores(ParameterStore ps, NDArray query, NDArray keys, boolean training) {
        // (B, Tq, Eq) -> (B, Tq, 1, A); (B, Tk, Ek) -> (B, 1, Tk, A)
        NDArray q = Linears.forward(ps, queryProj, query, training).expandDims(2);
        NDArray k = Linears.forward(ps, keyProj, keys, training).expandDims(1);
        // (B, Tq, Tk, A) -> (B, Tq, Tk, 1) -> (B, Tq, Tk)
        return Linears.forward(ps, v, q.add(k).tanh(), training).squeeze(-1);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        queryProj.initialize(manager, dataType, inputShapes[0]);
        keyProj.initialize(manager, dataType, inputShapes[1]);
        v.initialize(manager, dataType, keyProj.getOutputShapes(new Shape[] {inputShapes[1]}));
    }

    /** Builds an {@link AdditiveAttention}; {@code setUnits} (A) is required. */
    public static final class Builder {
        private int units;

        private Builder() {}

        /** A, the size of the hidden layer inside the score. */
        public Builder setUnits(int units) {
            this.units = units;
            return this;
        }

        public AdditiveAttention build() {
            if (units <= 0) {
                throw new IllegalArgumentException(
                        "AdditiveAttention needs setUnits(A > 0), the attention size (often the decoder size), got " + units);
            }
            return new AdditiveAttention(this);
        }
    }
}
