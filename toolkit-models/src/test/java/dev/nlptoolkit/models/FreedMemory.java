package dev.nlptoolkit.models;

import ai.djl.ndarray.NDManager;

import java.util.Arrays;

/**
 * Runs the garbage collector and reuses the native memory it frees, between a forward and its
 * backward: a graph that still reads memory borrowed from a collected Java buffer (see
 * {@code NativeArrays}) then computes with large values or NaN instead of its own.
 */
public final class FreedMemory {

    private static final int ROUNDS = 5;
    private static final int ARRAYS = 500;
    private static final int LONGS = 64;
    /** The cleaner thread frees direct buffers after the collection, not during it. */
    private static final long CLEANER_MILLIS = 20;

    private FreedMemory() {}

    /** Collects, waits for the cleaner, then fills fresh Java-made arrays of a few sizes with large values. */
    public static void churn(NDManager manager) {
        for (int round = 0; round < ROUNDS; round++) {
            System.gc();
            try {
                Thread.sleep(CLEANER_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cleaner ran", e);
            }
            try (NDManager scratch = manager.newSubManager()) {
                for (int i = 0; i < ARRAYS; i++) {
                    // scalar-sized (what x.mul(0.5) borrows) and index-sized buffers
                    scratch.create(Float.NaN);
                    long[] filler = new long[1 + i % LONGS];
                    Arrays.fill(filler, Long.MAX_VALUE);
                    scratch.create(filler);
                }
            }
        }
    }
}
