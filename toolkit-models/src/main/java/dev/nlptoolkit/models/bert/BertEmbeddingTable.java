package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A lookup table of learned vectors with its parameter named {@code weight}, as in
 * {@code torch.nn.Embedding} (DJL's Embedding names it {@code embedding}, which would break loading by name).
 *
 * <p>Shapes: ids (B, T) of int64 -> (B, T, E); weight is (V, E) for a vocabulary of V.
 */
public final class BertEmbeddingTable extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int numEmbeddings;
    private final int embeddingSize;
    private final Parameter weight;

    private BertEmbeddingTable(Builder builder) {
        super(VERSION);
        numEmbeddings = builder.numEmbeddings;
        embeddingSize = builder.embeddingSize;
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numEmbeddings, embeddingSize))
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.singletonOrThrow();
        NDArray table = parameterStore.getValue(weight, ids.getDevice(), training);
        // (B, T) -> (B, T, E)
        return Embedding.embedding(ids, table, SparseFormat.DENSE);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(embeddingSize)};
    }

    /** Builds a {@link BertEmbeddingTable}. */
    public static final class Builder {
        private int numEmbeddings;
        private int embeddingSize;

        private Builder() {}

        /** V, the number of rows (vocabulary size or token types). */
        public Builder setNumEmbeddings(int numEmbeddings) {
            this.numEmbeddings = numEmbeddings;
            return this;
        }

        /** E, the size of each vector. */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        public BertEmbeddingTable build() {
            if (numEmbeddings <= 0 || embeddingSize <= 0) {
                throw new IllegalArgumentException("an embedding table needs setNumEmbeddings(> 0) and "
                        + "setEmbeddingSize(> 0), got " + numEmbeddings + " x " + embeddingSize);
            }
            return new BertEmbeddingTable(this);
        }
    }
}
