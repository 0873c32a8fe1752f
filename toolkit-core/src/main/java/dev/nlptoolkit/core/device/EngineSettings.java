package dev.nlptoolkit.core.device;

import dev.nlptoolkit.core.UserInputException;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Thread settings of the PyTorch engine.
 *
 * <p>DJL's {@code PtEngine} reads the system properties {@value #INTRA_OP_PROPERTY} and
 * {@value #INTER_OP_PROPERTY} once, when it loads. {@link #threads} sets them and then applies the
 * counts to the loaded engine: the intra-op count can change at any time (PyTorch applies it to the
 * calling thread and to threads that have not yet run an op); the inter-op pool can be sized only
 * once, before it starts, so resizing it later fails with an {@link IllegalStateException}.
 */
public final class EngineSettings {

    /** Read by DJL 0.36 {@code PtEngine.newInstance}: threads within one op (OpenMP). */
    public static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";

    /** Read by DJL 0.36 {@code PtEngine.newInstance}: threads running independent ops. */
    public static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

    /** Thread counts of the engine. */
    public record Threads(int intraOp, int interOp) {}

    private EngineSettings() {}

    /**
     * Sets the intra-op and inter-op thread counts, loading the PyTorch engine if it is not yet loaded.
     *
     * @return the counts now in effect
     * @throws IllegalArgumentException when a count is not positive
     * @throws IllegalStateException when the inter-op pool already started with another size
     */
    public static Threads threads(int intraOp, int interOp) {
        requirePositive(intraOp, "intra-op");
        requirePositive(interOp, "inter-op");
        System.setProperty(INTRA_OP_PROPERTY, Integer.toString(intraOp));
        System.setProperty(INTER_OP_PROPERTY, Integer.toString(interOp));
        // Loads the engine, which reads the properties; if it was loaded before, they came too late
        // and the counts are applied directly below.
        Engine.getEngine(PtEngine.ENGINE_NAME);
        if (JniUtils.getNumThreads() != intraOp) {
            JniUtils.setNumThreads(intraOp);
        }
        int currentInterOp = JniUtils.getNumInteropThreads();
        if (currentInterOp != interOp) {
            try {
                JniUtils.setNumInteropThreads(interOp);
            } catch (EngineException e) {
                throw new IllegalStateException(
                        "PyTorch's inter-op pool already has "
                                + currentInterOp
                                + " threads and cannot be resized once set or started; set the count before"
                                + " anything uses the engine, or start the JVM with -D"
                                + INTER_OP_PROPERTY
                                + "="
                                + interOp,
                        e);
            }
        }
        return current();
    }

    /** The thread counts in effect, loading the PyTorch engine if it is not yet loaded. */
    public static Threads current() {
        Engine.getEngine(PtEngine.ENGINE_NAME);
        return new Threads(JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    }

    private static void requirePositive(int count, String what) {
        if (count < 1) {
            throw new UserInputException(what + " thread count must be at least 1, got " + count);
        }
    }
}
