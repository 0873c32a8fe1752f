package dev.nlptoolkit.models.embedding;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A lookup table of learned token vectors laid out as {@code torch.nn.Embedding}: one parameter
 * {@code weight} (V, E), initialised N(0, std^2) with the padding row, if any, set to zero (DJL's own
 * Embedding names its parameter {@code embedding}, which breaks loading by name).
 *
 * <p>Shapes: ids (B, T) int64 -> (B, T, E), for a vocabulary of V tokens.
 */
public final class TokenEmbedding extends AbstractBlock {

    /** torch.nn.Embedding's initial standard deviation. */
    public static final float DEFAULT_STD = 1f;
    /** {@link Builder#optPaddingId} not called: no row is zeroed. */
    public static final int NO_PADDING = -1;

    private static final byte VERSION = 1;

    private final int numEmbeddings;
    private final int embeddingSize;
    private final int paddingId;
    private final Parameter weight;

    private TokenEmbedding(Builder builder) {
        super(VERSION);
        numEmbeddings = builder.numEmbeddings;
        embeddingSize = builder.embeddingSize;
        paddingId = builder.paddingId;
        weight = addParameter(Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numEmbeddings, embeddingSize))
                .optInitializer(new PaddingRowZero(new NormalInitializer(builder.std), paddingId))
                .build());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int getNumEmbeddings() {
        return numEmbeddings;
    }

    public int getEmbeddingSize() {
        return embeddingSize;
    }

    /** The padding id whose row starts at zero, or {@link #NO_PADDING}. */
    public int getPaddingId() {
        return paddingId;
    }

    /** The typed forward pass: ids (B, T) -> vectors (B, T, E). */
    public NDArray embed(ParameterStore parameterStore, NDArray ids, boolean training) {
        NDArray table = parameterStore.getValue(weight, ids.getDevice(), training);
        return Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }

    /** The table (V, E) itself, e.g. for an output layer tied to it (Press and Wolf 2017). */
    public NDArray table(ParameterStore parameterStore, Device device, boolean training) {
        return parameterStore.getValue(weight, device, training);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(embed(parameterStore, inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(embeddingSize)};
    }

    /**
     * Draws the table with {@code base}, then zeroes the padding row, as torch does for {@code padding_idx}.
     * By {@code where}, not an indexed set: DJL's set goes through libtorch's deprecated
     * AutoNonVariableTypeMode, whose warning would reach every command's stderr.
     */
    private record PaddingRowZero(Initializer base, int paddingId) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            NDArray table = base.initialize(manager, shape, dataType);
            if (paddingId == NO_PADDING) {
                return table;
            }
            try (NDManager scratch = manager.newSubManager()) {
                // (V, E): true on every row but the padding one.
                NDArray keep = scratch.arange(Math.toIntExact(shape.get(0))).neq(paddingId).reshape(-1, 1)
                        .broadcast(shape);
                NDArray zeroed = NDArrays.where(keep, table, scratch.zeros(shape, dataType));
                zeroed.attach(manager);
                table.close();
                return zeroed;
            }
        }
    }

    /** Builds a {@link TokenEmbedding}; {@code setNumEmbeddings} and {@code setEmbeddingSize} are required. */
    public static final class Builder {
        private int numEmbeddings;
        private int embeddingSize;
        private int paddingId = NO_PADDING;
        private float std = DEFAULT_STD;

        private Builder() {}

        /** V, the number of rows (vocabulary size, or token types). */
        public Builder setNumEmbeddings(int numEmbeddings) {
            this.numEmbeddings = numEmbeddings;
            return this;
        }

        /** E, the size of each vector. */
        public Builder setEmbeddingSize(int embeddingSize) {
            this.embeddingSize = embeddingSize;
            return this;
        }

        /** The id whose row is zero at initialisation (torch's {@code padding_idx}); default none. */
        public Builder optPaddingId(int paddingId) {
            this.paddingId = paddingId;
            return this;
        }

        /** Standard deviation of the initial N(0, std^2) rows; default 1, as torch (BERT uses 0.02). */
        public Builder optInitStd(float std) {
            this.std = std;
            return this;
        }

        public TokenEmbedding build() {
            if (numEmbeddings <= 0 || embeddingSize <= 0) {
                throw new IllegalArgumentException("an embedding table needs setNumEmbeddings(> 0) and "
                        + "setEmbeddingSize(> 0), got " + numEmbeddings + " x " + embeddingSize);
            }
            if (paddingId != NO_PADDING && (paddingId < 0 || paddingId >= numEmbeddings)) {
                throw new IllegalArgumentException("padding id " + paddingId + " is not a row of the " + numEmbeddings
                        + "-row table: pass an id in [0, " + numEmbeddings + ") to optPaddingId");
            }
            if (!(std > 0) || Float.isInfinite(std)) {
                throw new IllegalArgumentException("optInitStd needs a positive finite value, got " + std);
            }
            return new TokenEmbedding(this);
        }
    }
}
