package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import java.util.Collection;

/**
 * Gradient clipping with PyTorch semantics. DJL's {@code optClipGrad} clips each element into
 * {@code [-c, c]}, which is a different operation; this is {@code torch.nn.utils.clip_grad_norm_}.
 */
public final class GradientClipping {

    /** Added to the norm before dividing, as torch does, so a zero norm does not divide by zero. */
    private static final float NORM_EPSILON = 1e-6f;

    private GradientClipping() {}

    /**
     * Scales all gradients of {@code parameters} together so that their joint L2 norm is at most
     * {@code maxNorm}: with {@code n} the norm over all gradients as one vector, each gradient is
     * multiplied by {@code maxNorm / (n + 1e-6)} when that is below 1. Parameters without a gradient
     * are skipped.
     *
     * <p>A NaN or infinite norm leaves every gradient as it is and throws: torch's default would scale
     * by {@code maxNorm / NaN} (or multiply by 0 x inf) and apply NaN updates; an update from such a
     * gradient is never right, so the caller must skip it (the training loop stops, naming the step).
     *
     * @return the norm before clipping (0 when no parameter has a gradient)
     * @throws NonFiniteException when the joint norm is NaN or infinite
     */
    public static double clipByGlobalNorm(Collection<Parameter> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be positive, got " + maxNorm);
        }
        return Gradients.withoutRecording(() -> clip(parameters, (float) maxNorm));
    }

    /**
     * The joint L2 norm of the gradients of {@code parameters}, as {@link #clipByGlobalNorm} computes
     * it, without changing them; may be NaN or infinite.
     */
    public static double globalNorm(Collection<Parameter> parameters) {
        return Gradients.withoutRecording(() -> clip(parameters, Float.NaN));
    }

    /** Clips to {@code maxNorm} and returns the norm before; a NaN {@code maxNorm} only measures. */
    private static double clip(Collection<Parameter> parameters, float maxNorm) {
        NDArray first = parameters.isEmpty() ? null : parameters.iterator().next().getArray();
        if (first == null) {
            return 0;
        }
        try (NDManager scope = first.getManager().newSubManager()) {
            NDList gradients = new NDList();
            NDList norms = new NDList();
            for (Parameter p : parameters) {
                NDArray g = Gradients.of(p.getArray());
                if (g != null) {
                    g.attach(scope);
                    gradients.add(g);
                    // Per-tensor norms, then the norm of those norms: torch's order of summation.
                    norms.add(g.norm());
                }
            }
            if (gradients.isEmpty()) {
                return 0;
            }
            // Results of operations live in their first operand's manager: here, scope.
            float total = NDArrays.stack(norms).norm().getFloat();
            if (Float.isNaN(maxNorm)) {
                return total;
            }
            if (!Float.isFinite(total)) {
                throw new NonFiniteException("gradient norm", total);
            }
            float coefficient = maxNorm / (total + NORM_EPSILON);
            if (coefficient < 1f) {
                for (NDArray g : gradients) {
                    g.muli(coefficient);
                }
            }
            return total;
        }
    }
}
