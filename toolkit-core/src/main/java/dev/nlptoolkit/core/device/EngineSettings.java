package dev.nlptoolkit.core.device;

import dev.nlptoolkit.core.UserInputException;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.engine.PtEngine;
import ai.djl.pytorch.jni.JniUtils;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

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

    /** DJL's variables that point it at a libtorch other than the one bundled, for the load error. */
    static final List<String> LIBRARY_VARIABLES =
            List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION", "PYTORCH_FLAVOR", "PYTORCH_PRECXX11");

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
        loadEngine();
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
        loadEngine();
        return new Threads(JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    }

    /**
     * Loads the PyTorch engine. It fails on the machine, not in our code: a libtorch named by DJL's
     * variables that has no JNI library for DJL 0.36 (which it would download, and offline it may not),
     * or natives missing for the build's flavour. That is a one-line user error naming the variables.
     */
    private static void loadEngine() {
        try {
            Engine.getEngine(PtEngine.ENGINE_NAME);
        } catch (EngineException e) {
            throw loadFailure(e, System.getenv());
        }
    }

    /** The error for an engine that did not load, naming the {@link #LIBRARY_VARIABLES} and DJL_OFFLINE set. */
    static UserInputException loadFailure(EngineException cause, Map<String, String> env) {
        String set = LIBRARY_VARIABLES.stream()
                .filter(env::containsKey)
                .map(name -> name + "=" + env.get(name))
                .collect(Collectors.joining(", "));
        return new UserInputException(
                "the PyTorch engine did not load: "
                        + cause.getMessage()
                        + ". The toolkit runs DJL 0.36 on the libtorch 2.7.1 its jar bundles"
                        + (set.isEmpty() ? "" : "; these variables choose another: " + set + " (unset them to use it)")
                        + ("true".equalsIgnoreCase(env.get("DJL_OFFLINE"))
                                ? "; DJL_OFFLINE=true keeps DJL from downloading anything"
                                : ""),
                cause);
    }

    private static void requirePositive(int count, String what) {
        if (count < 1) {
            throw new UserInputException(what + " thread count must be at least 1, got " + count);
        }
    }
}
