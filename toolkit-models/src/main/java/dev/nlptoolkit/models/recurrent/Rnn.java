package dev.nlptoolkit.models.recurrent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.recurrent.RNN;

/**
 * A multi-layer, optionally bidirectional Elman RNN with tanh, h_t = tanh(W_ih x_t + b_ih + W_hh
 * h_(t-1) + b_hh) (Elman 1990, "Finding Structure in Time"), over padded, batch-first sequences, with
 * torch.nn.RNN's parameter names and layout so its state dict loads by name.
 *
 * <p>Input {@link RecurrentInput}: x (B, T, E), optional lengths (B), optional h0 (L*D, B, Hd). Output
 * {@link RecurrentOutput}: output (B, T, D*Hd), zero at padding; h_n (L*D, B, Hd) at each sequence's
 * last real step; no c_n. Parameters {@code weight_ih_l{k}} (Hd, E or D*Hd), {@code weight_hh_l{k}}
 * (Hd, Hd), {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (Hd), with {@code _reverse} for the backward
 * direction. How it runs, and why that is exact with padding, is told in {@link StackedRecurrent}.
 */
public final class Rnn extends StackedRecurrent {

    private static final int GATES = 1;
    private static final int STATES = 1;

    private Rnn(Builder builder) {
        super(builder);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    int gateCount() {
        return GATES;
    }

    @Override
    int stateCount() {
        return STATES;
    }

    @Override
    NDList runFused(
            NDArray input, NDList states, NDList weights, int layers, boolean bothDirections, float dropRate,
            boolean training) {
        return input.getNDArrayInternal().rnn(input, states.singletonOrThrow(), weights, HAS_BIASES, layers,
                RNN.Activation.TANH, dropRate, training, bothDirections, BATCH_FIRST);
    }

    /** Builds an {@link Rnn}; {@link #setHiddenSize} is required. */
    public static final class Builder extends StackedRecurrent.Builder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public Rnn build() {
            validate();
            return new Rnn(this);
        }
    }
}
