package dev.nlptoolkit.core.ndarray;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arrays whose memory libtorch allocates and owns.
 *
 * <p>On the CPU, DJL's PyTorch engine makes every array built from Java data (including the scalar
 * behind {@code x.mul(0.5)}) with {@code torch::from_blob} over a direct buffer that only the Java
 * object keeps alive. Autograd saves such tensors for backward (a product saves both factors), and
 * DJL closes the scalar as soon as the product is made: once the collector frees the buffer,
 * backward reads freed memory, and gradients turn to garbage, NaN or infinity at a moment that
 * depends on the garbage collector. Code that builds a graph to differentiate uses these instead.
 */
public final class NativeArrays {

    private NativeArrays() {}

    /** A 0-d array of {@code like}'s type and device holding {@code value}, in {@code like}'s manager. */
    public static NDArray scalar(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    /** {@code x * factor}, safe to differentiate. */
    public static NDArray mul(NDArray x, double factor) {
        try (NDArray s = scalar(x, factor)) {
            // closing our handle is safe: autograd holds its own reference to a tensor libtorch owns
            return x.mul(s);
        }
    }

    /** {@code x ^ exponent}, safe to differentiate. */
    public static NDArray pow(NDArray x, double exponent) {
        try (NDArray s = scalar(x, exponent)) {
            return x.pow(s);
        }
    }

    /**
     * A copy of {@code borrowed} in memory libtorch owns, in the same manager; {@code borrowed} is
     * closed. For arrays made from Java data that autograd may keep (masks, gather indices).
     */
    public static NDArray copyOf(NDArray borrowed) {
        NDArray copy = borrowed.duplicate();
        borrowed.close();
        return copy;
    }
}
