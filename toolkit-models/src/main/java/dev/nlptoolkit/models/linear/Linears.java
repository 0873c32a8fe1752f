package dev.nlptoolkit.models.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/**
 * A {@link Linear} applied to input of any rank as one matrix product with the bias fused in.
 *
 * <p>Why: DJL 0.36's PyTorch engine implements {@code Linear} with the C++ frontend's
 * {@code torch::nn::functional::linear}, which fuses the bias ({@code addmm}) only for 2-D input; a
 * (B, T, E) input becomes {@code matmul} followed by a separate {@code add_} of the bias, one more
 * pass over the output forward and a reduction backward. Folding (B, T, E) into (B T, E) first, a
 * view for contiguous input, gives the fused kernel; the result is reshaped back, again a view.
 *
 * <p>Shapes: (..., E) -> (..., U), U the Linear's units.
 */
public final class Linears {

    private static final int MATRIX = 2;

    private Linears() {}

    /** {@code linear} applied to {@code x} (..., E): (..., U). */
    public static NDArray forward(ParameterStore parameterStore, Linear linear, NDArray x, boolean training) {
        if (x.getShape().dimension() <= MATRIX) {
            return linear.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        }
        // (..., E) -> (N, E) -> (N, U) -> (..., U)
        NDArray out = linear.forward(parameterStore, new NDList(flatten(x)), training).singletonOrThrow();
        return unflatten(out, x.getShape());
    }

    /** x (..., E) W^T + b for a weight W (U, E) and a bias b (U) or null: (..., U). */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (x.getShape().dimension() <= MATRIX) {
            return Linear.linear(x, weight, bias).singletonOrThrow();
        }
        return unflatten(Linear.linear(flatten(x), weight, bias).singletonOrThrow(), x.getShape());
    }

    /** (..., E) -> (N, E). */
    private static NDArray flatten(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(-1, s.get(s.dimension() - 1));
    }

    /** (N, U) -> (..., U), the leading axes those of {@code input}. */
    private static NDArray unflatten(NDArray out, Shape input) {
        long units = out.getShape().get(1);
        return out.reshape(input.slice(0, input.dimension() - 1).add(units));
    }
}
