package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

import dev.nlptoolkit.models.attention.KeyValue;
import dev.nlptoolkit.models.attention.KeyValueCache;
import dev.nlptoolkit.models.attention.ScaledDotProductAttention;

import java.util.ArrayList;
import java.util.List;

/**
 * What incremental decoding carries from one step to the next, per layer (fairseq's
 * {@code incremental_state}): the self-attention keys and values of the positions decoded so far
 * (B, N, t, H), appended in place ({@link KeyValueCache}), and the memory's projected keys and values
 * (B, N, S, H), computed once, with the memory mask in the additive form cross-attention adds
 * (B, 1, 1, S).
 *
 * <p>Mutable: each {@link TransformerDecoder#step} appends to it, and {@link #reorder} follows a beam
 * search's choice of rows. Every array it holds lives in its owner manager; the arrays it replaces
 * are closed, so decoding a long output does not grow native memory beyond the cache itself.
 */
public final class DecoderState implements AutoCloseable {

    private final NDManager owner;
    private final List<KeyValueCache> selfAttention;
    private final List<KeyValue> memory;
    /** The memory mask in additive form (B, 1, 1, S), made once for every step's cross-attention. */
    private NDArray memoryVisibility;

    /**
     * @param owner holds the caches and the memory; {@link #close} closes it
     * @param memory per layer (B, N, S, H), attached to {@code owner} here
     * @param memoryMask (B, S), nonzero for real tokens, or null; the state keeps its additive form, in
     *     {@code owner}, and leaves the mask itself to the caller
     * @param capacity the positions each cache holds before it first grows
     */
    DecoderState(NDManager owner, List<KeyValue> memory, NDArray memoryMask, int capacity) {
        this.owner = owner;
        this.memory = new ArrayList<>(memory);
        selfAttention = new ArrayList<>();
        for (int i = 0; i < memory.size(); i++) {
            selfAttention.add(KeyValueCache.create(owner, capacity));
        }
        memoryArrays().attach(owner);
        memoryVisibility = memoryMask == null
                ? null
                : additiveVisibility(memoryMask, memory.get(0).key().getDataType(), owner);
    }

    /** t, the number of positions decoded so far. */
    public long length() {
        return selfAttention.get(0).length();
    }

    /** B, the rows decoded. */
    public long batchSize() {
        return memory.get(0).key().getShape().get(0);
    }

    /** C, the positions the self-attention caches hold before they next grow. */
    public long capacity() {
        return selfAttention.get(0).capacity();
    }

    /**
     * The memory mask as cross-attention applies it: (B, 1, 1, S), -0 at real tokens and
     * {@link ScaledDotProductAttention#MASK_VALUE} at padding; null when no source token is padding.
     */
    public NDArray memoryVisibility() {
        return memoryVisibility;
    }

    private static NDArray additiveVisibility(NDArray mask, DataType dataType, NDManager owner) {
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(new NDList(mask));
            NDArray additive = ScaledDotProductAttention.keyMask(mask, dataType);
            if (additive != null) {
                additive.attach(owner);
            }
            return additive;
        }
    }

    /** The manager every array of the state lives in. */
    public NDManager owner() {
        return owner;
    }

    KeyValueCache cache(int layer) {
        return selfAttention.get(layer);
    }

    KeyValue memory(int layer) {
        return memory.get(layer);
    }

    /** The projected memory and its mask, for attaching to a step's scope (the caches place their own arrays). */
    NDList memoryArrays() {
        NDList arrays = new NDList();
        for (KeyValue kv : memory) {
            arrays.add(kv.key());
            arrays.add(kv.value());
        }
        if (memoryVisibility != null) {
            arrays.add(memoryVisibility);
        }
        return arrays;
    }

    /**
     * Keeps the rows {@code order} (B') int64 of the batch, in that order, repeats allowed (fairseq's
     * {@code reorder_incremental_state}): the self-attention caches, the projected memory and its mask
     * all follow, so beams that were pruned and sentences that finished leave the batch.
     */
    public void reorder(NDArray order) {
        NDIndex rows = new NDIndex("{}", order);
        for (KeyValueCache cache : selfAttention) {
            cache.reorder(order);
        }
        for (int i = 0; i < memory.size(); i++) {
            KeyValue old = memory.get(i);
            memory.set(i, new KeyValue(old.key().get(owner, rows), old.value().get(owner, rows)));
            old.key().close();
            old.value().close();
        }
        if (memoryVisibility != null) {
            NDArray old = memoryVisibility;
            memoryVisibility = old.get(owner, rows);
            old.close();
        }
    }

    /** Frees every array of the state: closes its owner manager. */
    @Override
    public void close() {
        owner.close();
    }
}
