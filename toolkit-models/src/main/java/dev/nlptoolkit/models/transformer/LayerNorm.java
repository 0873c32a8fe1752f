package dev.nlptoolkit.models.transformer;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Layer normalisation over the last axis with a learned scale and shift (Ba et al. 2016, "Layer
 * Normalization"), with parameters named {@code weight} and {@code bias} as in {@code torch.nn.LayerNorm}
 * (DJL's own LayerNorm names them gamma and beta, which would break loading by name).
 *
 * <p>Shapes: (..., E) -> (..., E); weight and bias are (E), E taken from the input's last axis.
 */
public final class LayerNorm extends AbstractBlock {

    /** PyTorch's default epsilon for {@code nn.LayerNorm}; BERT uses 1e-12. */
    public static final float DEFAULT_EPS = 1e-5f;

    private static final byte VERSION = 1;

    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private long size;

    private LayerNorm(Builder builder) {
        super(VERSION);
        eps = builder.eps;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA).build());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The epsilon added to the variance. */
    public float getEps() {
        return eps;
    }

    /** Normalises {@code x} (..., E) over its last axis with the given (E) scale and shift. */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
        Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return x.getNDArrayInternal().layerNorm(x, normalized, weight, bias, eps).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray w = parameterStore.getValue(weight, x.getDevice(), training);
        NDArray b = parameterStore.getValue(bias, x.getDevice(), training);
        return new NDList(layerNorm(x, w, b, eps));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        Shape input = inputShapes[0];
        size = input.get(input.dimension() - 1);
        weight.setShape(new Shape(size));
        bias.setShape(new Shape(size));
    }

    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeLong(size);
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("LayerNorm: unsupported encoding version " + loadVersion);
        }
        readInputShapes(is);
        size = is.readLong();
    }

    /** Builds a {@link LayerNorm}; the normalised size comes from the input at initialisation. */
    public static final class Builder {
        private float eps = DEFAULT_EPS;

        private Builder() {}

        /** Epsilon added to the variance (default {@value LayerNorm#DEFAULT_EPS}; BERT uses 1e-12). */
        public Builder optEps(float eps) {
            this.eps = eps;
            return this;
        }

        public LayerNorm build() {
            if (!(eps > 0) || Float.isInfinite(eps)) {
                throw new IllegalArgumentException(
                        "LayerNorm eps must be a positive finite number (e.g. 1e-5 or 1e-12), got " + eps);
            }
            return new LayerNorm(this);
        }
    }
}
