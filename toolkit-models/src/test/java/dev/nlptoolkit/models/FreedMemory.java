package dev.nlptoolkit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;

import dev.nlptoolkit.models.weights.StateDict;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;

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

    /**
     * Asserts that collecting garbage, and reusing the freed native memory, between forward and
     * backward changes no bit of any parameter's gradient. Each of the two passes makes a fresh
     * {@code model} (seed the random generator inside the supplier) and differentiates {@code loss}
     * of it; the second runs {@link #churn} before backward.
     */
    public static <B extends Block> void assertGradientsIgnoreTheCollector(
            String what, Supplier<B> model, Function<B, NDArray> loss, NDManager manager) {
        Map<String, float[]> quiet = gradients(model.get(), loss, manager, false);
        Map<String, float[]> churned = gradients(model.get(), loss, manager, true);
        assertEquals(quiet.keySet(), churned.keySet(), what);
        quiet.forEach((name, g) -> assertArrayEquals(g, churned.get(name), what + " " + name));
    }

    private static <B extends Block> Map<String, float[]> gradients(
            B model, Function<B, NDArray> loss, NDManager manager, boolean churn) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss.apply(model);
            if (churn) {
                churn(manager);
            }
            collector.backward(value);
        }
        Map<String, float[]> gradients = new TreeMap<>();
        StateDict.of(model).forEach((name, p) -> gradients.put(name, p.getArray().getGradient().toFloatArray()));
        return gradients;
    }

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
