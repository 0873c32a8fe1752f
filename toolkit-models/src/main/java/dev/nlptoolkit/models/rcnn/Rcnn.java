package dev.nlptoolkit.models.rcnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.linear.Linears;
import dev.nlptoolkit.models.recurrent.Lstm;
import dev.nlptoolkit.models.recurrent.RecurrentInput;
import dev.nlptoolkit.models.recurrent.RecurrentOutput;
import dev.nlptoolkit.models.recurrent.Rnn;
import dev.nlptoolkit.models.recurrent.SequenceLengths;

/**
 * The RCNN text encoder of Lai et al. 2015, "Recurrent Convolutional Neural Networks for Text
 * Classification": each word is represented by its left context, its embedding and its right
 * context, projected with tanh, and the text by the max over its words of that projection.
 *
 * <p>As in the paper's equations 1-2, the left context of word i is the forward recurrent state
 * after word i-1 and the right context the backward state after word i+1 (zero at the ends). The
 * recurrence is a one-layer bidirectional {@link Lstm} or {@link Rnn} (the paper's is a plain RNN).
 *
 * <p>Input {@link RecurrentInput}: embeddings (B, T, E), optional lengths (B); no initial state.
 * Output: one array (B, L), L the latent size. Children: {@code context} (the recurrent Block, torch
 * names {@code context.weight_ih_l0} ...) and {@code projection} (Linear (L, 2C + E), C the context size).
 */
public final class Rcnn extends AbstractBlock {

    private static final byte VERSION = 1;
    /** What padded steps hold before the max: below tanh's range, so a real step always wins. */
    private static final float PADDING_SCORE = Float.NEGATIVE_INFINITY;
    private static final int TIME_AXIS = 1;
    private static final int FEATURE_AXIS = 2;

    /** The recurrence that reads the context. */
    public enum Context {
        LSTM,
        RNN
    }

    private final int contextSize;
    private final int latentSize;
    private final Block context;
    private final Linear projection;

    private Rcnn(Builder builder) {
        super(VERSION);
        contextSize = builder.contextSize;
        latentSize = builder.latentSize;
        context = addChildBlock("context", switch (builder.context) {
            case LSTM -> Lstm.builder().setHiddenSize(contextSize).optBidirectional(true).build();
            case RNN -> Rnn.builder().setHiddenSize(contextSize).optBidirectional(true).build();
        });
        projection = addChildBlock("projection", Linear.builder().setUnits(latentSize).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), latentSize)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape embeddings = inputShapes[0];
        context.initialize(manager, dataType, embeddings);
        projection.initialize(manager, dataType,
                new Shape(embeddings.get(0), embeddings.get(1), 2L * contextSize + embeddings.get(2)));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        RecurrentInput in = RecurrentInput.fromNDList(inputs);
        if (in.h0() != null || in.c0() != null) {
            throw new IllegalArgumentException(
                    "Rcnn starts its context from zero (Lai et al. 2015): pass embeddings and lengths only");
        }
        NDArray embeddings = in.input();
        Shape shape = embeddings.getShape();
        long batch = shape.get(0);
        long steps = shape.get(1);
        NDManager parent = embeddings.getManager();
        try (NDManager scope = parent.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDArray states = RecurrentOutput.fromNDList(context.forward(parameterStore, inputs, training)).output();
            // (B, T, 2C) -> (B, T, C) each, zero at padding
            NDArray forwardStates = states.get(new NDIndex(":, :, :{}", contextSize));
            NDArray backwardStates = states.get(new NDIndex(":, :, {}:", contextSize));
            NDArray start = scope.zeros(new Shape(batch, 1, contextSize), states.getDataType());
            // shift by one step: (B, T + 1, C) -> (B, T, C); left[i] = forward[i - 1], right[i] = backward[i + 1]
            NDArray left = start.concat(forwardStates, TIME_AXIS).get(new NDIndex(":, :{}", steps));
            NDArray right = backwardStates.concat(start, TIME_AXIS).get(new NDIndex(":, 1:"));
            // (B, T, C + E + C)
            NDArray words = NDArrays.concat(new NDList(left, embeddings, right), FEATURE_AXIS);
            // (B, T, L)
            NDArray latent = Linears.forward(parameterStore, projection, words, training).tanh();
            if (in.lengths() != null) {
                NDArray real = SequenceLengths.read(in.lengths(), batch, steps).mask(scope)
                        .reshape(batch, steps, 1).broadcast(latent.getShape());
                latent = NDArrays.where(real, latent, scope.create(PADDING_SCORE).toType(latent.getDataType(), false));
            }
            // (B, T, L) -> (B, L)
            NDList pooled = new NDList(latent.max(new int[] {TIME_AXIS}));
            pooled.attach(parent);
            return pooled;
        }
    }

    /** Builds an {@link Rcnn}; the context and latent sizes are required. */
    public static final class Builder {

        private int contextSize;
        private int latentSize;
        private Context context = Context.LSTM;

        private Builder() {}

        /** Required: C, the hidden size of each direction of the context recurrence. */
        public Builder setContextSize(int contextSize) {
            this.contextSize = contextSize;
            return this;
        }

        /** Required: L, the size of the tanh projection and of the output. */
        public Builder setLatentSize(int latentSize) {
            this.latentSize = latentSize;
            return this;
        }

        /** The context recurrence; default {@link Context#LSTM}. */
        public Builder optContext(Context context) {
            this.context = context;
            return this;
        }

        public Rcnn build() {
            if (contextSize <= 0) {
                throw new IllegalArgumentException("context size is " + contextSize + ": call setContextSize(n) with n > 0");
            }
            if (latentSize <= 0) {
                throw new IllegalArgumentException("latent size is " + latentSize + ": call setLatentSize(n) with n > 0");
            }
            if (context == null) {
                throw new IllegalArgumentException("optContext needs a Context, got null");
            }
            return new Rcnn(this);
        }
    }
}
