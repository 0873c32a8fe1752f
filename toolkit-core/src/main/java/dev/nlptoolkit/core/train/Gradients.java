package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

import java.util.Collection;
import java.util.function.Supplier;

/**
 * Access to the gradients libtorch accumulates on parameters.
 *
 * <p>DJL's PyTorch {@code GradientCollector} does not zero gradients when it opens (the call is
 * disabled in DJL 0.36), and its {@code zeroGradients()} leaks one array handle per parameter and
 * zeroes by {@code g - g}, which leaves a NaN gradient NaN. Its {@code getGradient()} also returns a
 * fresh array of zeros, detached from the parameter, when no gradient exists yet. Hence these
 * helpers, which go to libtorch directly: the project runs on the PyTorch engine only.
 */
public final class Gradients {

    private Gradients() {}

    /**
     * The gradient of {@code array} as a new handle in the array's manager (close it when done), or
     * null when the array takes no gradient or backward has not reached it since it was created.
     */
    public static NDArray of(NDArray array) {
        if (!array.hasGradient()) {
            return null;
        }
        return JniUtils.getGradient(pytorch(array));
    }

    /**
     * Sets every existing gradient of {@code parameters} to zero in place, as torch's
     * {@code zero_grad(set_to_none=False)}; the next backward then starts from zero.
     */
    public static void zero(Collection<Parameter> parameters) {
        for (Parameter p : parameters) {
            NDArray array = p.getArray();
            NDArray gradient = of(array);
            if (gradient != null) {
                gradient.close();
                JniUtils.zeroGrad(pytorch(array));
            }
        }
    }

    /**
     * Runs {@code update} with autograd recording off on the calling thread, restoring its previous mode
     * afterwards. libtorch keeps the mode per thread and a new thread starts recording, so inference
     * on any thread but the engine's first one needs this.
     */
    public static <T> T withoutRecording(Supplier<T> update) {
        boolean recording = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return update.get();
        } finally {
            JniUtils.setGradMode(recording);
        }
    }

    /** Whether autograd records on the calling thread (libtorch keeps the mode per thread). */
    public static boolean recording() {
        return JniUtils.isGradMode();
    }

    private static PtNDArray pytorch(NDArray array) {
        if (!(array instanceof PtNDArray pt)) {
            throw new UnsupportedOperationException(
                    "gradients are handled for the PyTorch engine only, got an array of " + array.getClass().getName());
        }
        return pt;
    }
}
