package dev.nlptoolkit.models.attention;

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
 * Self-attentive pooling of a sequence into one vector, one hop of the structured self-attention of
 * Lin et al. 2017 ("A Structured Self-attentive Sentence Embedding"): a = softmax(w_s2 tanh(W_s1 H^T))
 * over the real tokens, output a H; the weights explain which tokens the classifier looked at.
 *
 * <p>Input {@link AttentionInput#selfAttention}: H (B, T, D), mask (B, T) nonzero for real tokens.
 * Output pooled (B, D), then weights (B, T). Parameters {@code ws1.weight} (A, D), {@code ws2.weight}
 * (1, A), A the attention size.
 */
public final class AttentionPooling extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear ws1;
    private final Linear ws2;

    private AttentionPooling(Builder builder) {
        super(VERSION);
        ws1 = addChildBlock("ws1", Linear.builder().setUnits(builder.units).optBias(false).build());
        ws2 = addChildBlock("ws2", Linear.builder().setUnits(1).optBias(false).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The typed forward pass: pooled (B, D) and weights (B, T). */
    public AttentionOutput pool(ParameterStore ps, AttentionInput input, boolean training) {
        if (!input.isSelfAttention() || input.isCausal()) {
            throw new IllegalArgumentException(
                    "AttentionPooling pools one sequence: pass AttentionInput.selfAttention(states, mask)");
        }
        NDArray states = input.query();
        // (B, T, D) -> (B, T, A) -> (B, T, 1) -> (B, T)
        NDArray hidden = Linears.forward(ps, ws1, states, training).tanh();
        NDArray scores = Linears.forward(ps, ws2, hidden, training).squeeze(-1);
        NDArray mask = input.keyMask();
        NDArray weights = ScaledDotProductAttention.maskedSoftmax(scores, mask == null ? null : mask.neq(0));
        // (B, 1, T) x (B, T, D) -> (B, 1, D) -> (B, D)
        NDArray pooled = weights.expandDims(1).matMul(states).squeeze(1);
        return new AttentionOutput(pooled, weights);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return pool(ps, AttentionInput.fromNDList(inputs), training).toNDList(true);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape states = inputShapes[0];
        return new Shape[] {new Shape(states.get(0), states.get(2)), new Shape(states.get(0), states.get(1))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        ws1.initialize(manager, dataType, inputShapes[0]);
        ws2.initialize(manager, dataType, ws1.getOutputShapes(new Shape[] {inputShapes[0]}));
    }

    /** Builds an {@link AttentionPooling}; {@code setUnits} (A) is required. */
    public static final class Builder {
        private int units;

        private Builder() {}

        /** A, the size of the hidden layer of the scorer (Lin et al. use 350 for D = 600). */
        public Builder setUnits(int units) {
            this.units = units;
            return this;
        }

        public AttentionPooling build() {
            if (units <= 0) {
                throw new IllegalArgumentException(
                        "AttentionPooling needs setUnits(A > 0), the scorer's hidden size, got " + units);
            }
            return new AttentionPooling(this);
        }
    }
}
