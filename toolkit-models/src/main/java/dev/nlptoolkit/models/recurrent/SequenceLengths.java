package dev.nlptoolkit.models.recurrent;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;

/**
 * Per-sequence lengths of a padded batch, read to the host once, and the index arrays built from them.
 * Shapes: B batch, T time.
 */
public final class SequenceLengths {

    private final long[] lengths;
    private final long steps;

    private SequenceLengths(long[] lengths, long steps) {
        this.lengths = lengths;
        this.steps = steps;
    }

    /**
     * @param lengths (B) integer array
     * @param batch expected B
     * @param steps T, the padded length
     * @throws IllegalArgumentException unless lengths has shape (B) and every length is in [1, T]
     */
    public static SequenceLengths read(NDArray lengths, long batch, long steps) {
        if (!lengths.getShape().equals(new Shape(batch))) {
            throw new IllegalArgumentException(
                    "lengths must have shape (" + batch + ") for a batch of " + batch + ", got " + lengths.getShape());
        }
        if (!lengths.getDataType().isInteger()) {
            throw new IllegalArgumentException("lengths must be integers, got " + lengths.getDataType());
        }
        long[] values = lengths.toType(DataType.INT64, false).toLongArray();
        for (int b = 0; b < values.length; b++) {
            if (values[b] < 1 || values[b] > steps) {
                throw new IllegalArgumentException(
                        "lengths[" + b + "] = " + values[b] + " is outside [1, " + steps + "] (T = " + steps + ")");
            }
        }
        return new SequenceLengths(values, steps);
    }

    public long batch() {
        return lengths.length;
    }

    public long steps() {
        return steps;
    }

    /** Whether every sequence fills all T steps (no padding at all). */
    public boolean isFull() {
        return Arrays.stream(lengths).allMatch(length -> length == steps);
    }

    /** The distinct lengths, ascending: the steps at which some sequence ends. */
    long[] endSteps() {
        return Arrays.stream(lengths).distinct().sorted().toArray();
    }

    /** The longest length. */
    long max() {
        return Arrays.stream(lengths).max().orElseThrow();
    }

    /** Boolean (B) true for the sequences whose last real step is {@code end - 1}. */
    NDArray endingAt(NDManager manager, long end) {
        boolean[] ending = new boolean[lengths.length];
        for (int b = 0; b < lengths.length; b++) {
            ending[b] = lengths[b] == end;
        }
        return NativeArrays.copyOf(manager.create(ending));
    }

    /** Boolean (B, T), true at real steps and false at padding. */
    public NDArray mask(NDManager manager) {
        boolean[] real = new boolean[Math.toIntExact(lengths.length * steps)];
        for (int b = 0; b < lengths.length; b++) {
            Arrays.fill(real, Math.toIntExact(b * steps), Math.toIntExact(b * steps + lengths[b]), true);
        }
        return NativeArrays.copyOf(manager.create(real, new Shape(lengths.length, steps)));
    }

    /**
     * INT64 (B, T) time index that reverses each sequence within its length and leaves padding in
     * place: {@code t -> length - 1 - t} for {@code t < length}, else {@code t}. Its own inverse.
     */
    NDArray reversalIndex(NDManager manager) {
        long[] index = new long[Math.toIntExact(lengths.length * steps)];
        for (int b = 0; b < lengths.length; b++) {
            for (int t = 0; t < steps; t++) {
                index[Math.toIntExact(b * steps + t)] = t < lengths[b] ? lengths[b] - 1 - t : t;
            }
        }
        return NativeArrays.copyOf(manager.create(index, new Shape(lengths.length, steps)));
    }

}
