package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;

import dev.nlptoolkit.models.attention.KeyValue;

import java.util.ArrayList;
import java.util.List;

/**
 * What incremental decoding carries from one step to the next, per layer: the self-attention keys
 * and values of the positions decoded so far (B, N, t, H), and the memory's projected keys and
 * values (B, N, S, H), computed once. Immutable; each step returns a new state.
 *
 * <p>The arrays of every step stay alive with their manager: decode a sequence inside a sub-manager
 * and attach the final state (or output) to keep it.
 *
 * @param selfAttention per layer; empty before the first step
 * @param memory per layer
 * @param memoryMask (B, S), nonzero for real tokens, or null
 */
public record DecoderState(List<KeyValue> selfAttention, List<KeyValue> memory, NDArray memoryMask) {

    public DecoderState {
        selfAttention = List.copyOf(selfAttention);
        memory = List.copyOf(memory);
    }

    /** t, the number of positions decoded so far. */
    public long length() {
        return selfAttention.isEmpty() ? 0 : selfAttention.get(0).length();
    }

    /** The self-attention cache of {@code layer}, or null before the first step. */
    KeyValue past(int layer) {
        return selfAttention.isEmpty() ? null : selfAttention.get(layer);
    }

    /** The state after a step that produced these per-layer self-attention caches. */
    DecoderState advance(List<KeyValue> caches) {
        return new DecoderState(new ArrayList<>(caches), memory, memoryMask);
    }
}
