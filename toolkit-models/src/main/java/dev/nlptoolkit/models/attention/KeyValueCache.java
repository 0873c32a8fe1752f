package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The growing self-attention keys and values of incremental decoding, each (B, N, t, H), kept in
 * buffers of room C >= t that new positions are written into in place, so a step costs the new
 * positions, not a copy of the t earlier ones. Room doubles when full (amortised O(1) per position).
 *
 * <p>Mutable, and not thread-safe. The buffers live in the owner manager given at creation, and the
 * cache closes the buffers it replaces; views are created in the manager the reader names, so a
 * decoding step's temporaries close with the step.
 */
public final class KeyValueCache {

    /** The time axis of (B, N, T, H). */
    private static final int TIME_AXIS = 2;
    /** Room of a fresh cache when the caller gives no hint. */
    public static final int DEFAULT_CAPACITY = 16;

    private final NDManager owner;
    private final int initialCapacity;
    private NDArray keys;
    private NDArray values;
    private long length;

    private KeyValueCache(NDManager owner, int initialCapacity) {
        this.owner = owner;
        this.initialCapacity = initialCapacity;
    }

    /**
     * An empty cache whose first buffers hold {@code initialCapacity} positions (it grows beyond).
     *
     * @param owner the manager the buffers live in; closing it frees them
     */
    public static KeyValueCache create(NDManager owner, int initialCapacity) {
        if (initialCapacity <= 0) {
            throw new IllegalArgumentException("a key/value cache needs room for at least one position, got "
                    + initialCapacity);
        }
        return new KeyValueCache(owner, initialCapacity);
    }

    /** t, the number of cached positions. */
    public long length() {
        return length;
    }

    /** C, the positions the buffers hold before they grow. */
    public long capacity() {
        return keys == null ? 0 : keys.getShape().get(TIME_AXIS);
    }

    /** B, or 0 before the first append. */
    public long batchSize() {
        return keys == null ? 0 : keys.getShape().get(0);
    }

    /** Writes {@code next}'s positions (B, N, Tq, H) after the cached ones, in place. */
    public void append(KeyValue next) {
        long added = next.length();
        if (keys == null) {
            Shape s = next.key().getShape();
            Shape room = new Shape(s.get(0), s.get(1), Math.max(initialCapacity, added), s.get(3));
            keys = owner.zeros(room, next.key().getDataType(), next.key().getDevice());
            values = owner.zeros(room, next.value().getDataType(), next.value().getDevice());
        } else if (length + added > capacity()) {
            grow(Math.max(2 * capacity(), length + added));
        }
        NDIndex slot = NDIndex.sliceAxis(TIME_AXIS, length, length + added);
        keys.set(slot, next.key());
        values.set(slot, next.value());
        length += added;
    }

    private void grow(long room) {
        Shape s = keys.getShape();
        Shape bigger = new Shape(s.get(0), s.get(1), room, s.get(3));
        keys = copyInto(keys, bigger);
        values = copyInto(values, bigger);
    }

    private NDArray copyInto(NDArray old, Shape bigger) {
        NDArray grown = owner.zeros(bigger, old.getDataType(), old.getDevice());
        NDIndex filled = NDIndex.sliceAxis(TIME_AXIS, 0, length);
        try (NDManager scope = owner.newSubManager()) {
            grown.set(filled, old.get(scope, filled));
        }
        old.close();
        return grown;
    }

    /**
     * The cached positions (B, N, t, H): views of the buffers, valid until the next append or
     * reorder, created in {@code manager} (the step's scope).
     */
    public KeyValue view(NDManager manager) {
        if (keys == null) {
            throw new IllegalStateException("the cache is empty: append positions before reading it");
        }
        NDIndex filled = NDIndex.sliceAxis(TIME_AXIS, 0, length);
        return new KeyValue(keys.get(manager, filled), values.get(manager, filled));
    }

    /**
     * Keeps the rows {@code order} (B') int64 of the batch, in that order (repeats allowed): a beam
     * step's surviving hypotheses, or the sentences still decoding.
     */
    public void reorder(NDArray order) {
        if (keys == null) {
            return;
        }
        NDIndex rows = new NDIndex("{}", order);
        NDArray reorderedKeys = keys.get(owner, rows);
        NDArray reorderedValues = values.get(owner, rows);
        keys.close();
        values.close();
        keys = reorderedKeys;
        values = reorderedValues;
    }
}
