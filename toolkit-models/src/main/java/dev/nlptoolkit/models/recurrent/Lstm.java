package dev.nlptoolkit.models.recurrent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A multi-layer, optionally bidirectional LSTM (Hochreiter and Schmidhuber 1997, "Long Short-Term
 * Memory"; the forget-gate form of torch.nn.LSTM) over padded, batch-first sequences, with
 * torch.nn.LSTM's parameter names and layout so its state dict loads by name.
 *
 * <p>Input {@link RecurrentInput}: x (B, T, E), optional lengths (B), optional (h0, c0) each (L*D, B, Hd).
 * Output {@link RecurrentOutput}: output (B, T, D*Hd), zero at padding; h_n and c_n (L*D, B, Hd) at
 * each sequence's last real step. Parameters {@code weight_ih_l{k}} (4Hd, E or D*Hd), {@code
 * weight_hh_l{k}} (4Hd, Hd), {@code bias_ih_l{k}}, {@code bias_hh_l{k}} (4Hd), with {@code _reverse} for
 * the backward direction, gate rows in the order i, f, g, o. How it runs, and why that is exact with
 * padding, is told in {@link StackedRecurrent}.
 */
public final class Lstm extends StackedRecurrent {

    private static final int GATES = 4;
    private static final int STATES = 2;

    private Lstm(Builder builder) {
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
        return input.getNDArrayInternal()
                .lstm(input, states, weights, HAS_BIASES, layers, dropRate, training, bothDirections, BATCH_FIRST);
    }

    /** Builds an {@link Lstm}; {@link #setHiddenSize} is required. */
    public static final class Builder extends StackedRecurrent.Builder<Builder> {

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        public Lstm build() {
            validate();
            return new Lstm(this);
        }
    }
}
