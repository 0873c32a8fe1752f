package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Objects;

/**
 * What the encoder hands the decoder: the memory (B, S, M) attended to, its mask (B, S), nonzero for
 * real tokens, and the decoder's initial recurrent state where the model bridges one (h0, c0 of an
 * LSTM decoder, each (L, B, Hd); empty for a Transformer).
 */
public record EncoderOutput(NDArray memory, NDArray mask, NDList initialState) {

    public EncoderOutput {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(mask, "mask");
        initialState = initialState == null ? new NDList() : initialState;
    }

    /** B. */
    public long batchSize() {
        return memory.getShape().get(0);
    }

    /** S. */
    public long sourceLength() {
        return memory.getShape().get(1);
    }
}
