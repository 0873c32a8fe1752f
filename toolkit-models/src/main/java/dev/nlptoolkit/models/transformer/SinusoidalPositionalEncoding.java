package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Fixed sinusoidal positions added to token embeddings (Vaswani et al. 2017, section 3.5):
 * PE(p, 2i) = sin(p / 10000^(2i/E)), PE(p, 2i+1) = cos(p / 10000^(2i/E)). No parameters.
 *
 * <p>Shapes: (B, T, E) -> (B, T, E); {@link #encode} takes the position of the first token, for
 * incremental decoding.
 */
public final class SinusoidalPositionalEncoding extends AbstractBlock {

    private static final byte VERSION = 1;
    /** The wavelength base of Vaswani et al. */
    private static final double BASE = 10000;
    /** sin and cos share each frequency. */
    private static final int PAIR = 2;

    private SinusoidalPositionalEncoding() {
        super(VERSION);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The encodings (T, E) of positions offset .. offset + T - 1. */
    public static NDArray table(NDManager manager, long offset, long length, long embedDim) {
        // (T, 1)
        NDArray positions = manager.arange((float) offset, (float) (offset + length), 1f, DataType.FLOAT32)
                .reshape(length, 1);
        // (ceil(E / 2)): 10000^(-2i/E)
        NDArray frequencies = manager.arange(0f, (float) embedDim, (float) PAIR, DataType.FLOAT32)
                .mul(-Math.log(BASE) / embedDim).exp();
        // (T, ceil(E / 2))
        NDArray angles = positions.mul(frequencies.reshape(1, -1));
        // interleave: (T, ceil(E / 2), 2) -> (T, 2 ceil(E / 2)), then drop the extra cos of odd E
        NDArray interleaved = NDArrays.stack(new NDList(angles.sin(), angles.cos()), 2).reshape(length, -1);
        return interleaved.get(":, 0:" + embedDim);
    }

    /** x (B, T, E) plus the encodings of positions offset .. offset + T - 1. */
    public NDArray encode(NDArray x, long offset) {
        Shape s = x.getShape();
        return x.add(table(x.getManager(), offset, s.get(1), s.get(2)).toType(x.getDataType(), false));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(encode(inputs.singletonOrThrow(), 0));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** Builds a {@link SinusoidalPositionalEncoding}; it has no settings, E comes from the input. */
    public static final class Builder {
        private Builder() {}

        public SinusoidalPositionalEncoding build() {
            return new SinusoidalPositionalEncoding();
        }
    }
}
