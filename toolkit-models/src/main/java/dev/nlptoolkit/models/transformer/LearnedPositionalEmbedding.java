package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Learned absolute positions added to token embeddings (Gehring et al. 2017; BERT's
 * {@code position_embeddings}): one trained vector per position, {@code weight} (P, E) as in
 * {@code torch.nn.Embedding}.
 *
 * <p>Shapes: (B, T, E) -> (B, T, E) with T at most P; {@link #encode} takes the position of the
 * first token, for incremental decoding.
 */
public final class LearnedPositionalEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int maxLength;
    private final int embedDim;
    private final Parameter weight;

    private LearnedPositionalEmbedding(Builder builder) {
        super(VERSION);
        maxLength = builder.maxLength;
        embedDim = builder.embedDim;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** x (B, T, E) plus the embeddings of positions offset .. offset + T - 1. */
    public NDArray encode(ParameterStore ps, NDArray x, long offset, boolean training) {
        long length = x.getShape().get(1);
        if (offset < 0 || offset + length > maxLength) {
            throw new IllegalArgumentException("positions " + offset + ".." + (offset + length - 1)
                    + " are beyond the " + maxLength + " learned positions: truncate the input or build with a larger setMaxLength");
        }
        NDArray table = ps.getValue(weight, x.getDevice(), training);
        // (T, E) broadcast over B; the slice goes to x's manager, not the parameter's, so steps do not pile up there
        return x.add(table.get(x.getManager(), new NDIndex("{}:{}", offset, offset + length)));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(ps, inputs.singletonOrThrow(), 0, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        weight.setShape(new Shape(maxLength, embedDim));
    }

    /** Builds a {@link LearnedPositionalEmbedding}; {@code setMaxLength} and {@code setEmbedDim} are required. */
    public static final class Builder {
        private int maxLength;
        private int embedDim;

        private Builder() {}

        /** P, the number of positions learned (the longest input). */
        public Builder setMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** E, the embedding size. */
        public Builder setEmbedDim(int embedDim) {
            this.embedDim = embedDim;
            return this;
        }

        public LearnedPositionalEmbedding build() {
            if (maxLength <= 0 || embedDim <= 0) {
                throw new IllegalArgumentException("LearnedPositionalEmbedding needs setMaxLength(P > 0) and setEmbedDim(E > 0), got P="
                        + maxLength + ", E=" + embedDim);
            }
            return new LearnedPositionalEmbedding(this);
        }
    }
}
