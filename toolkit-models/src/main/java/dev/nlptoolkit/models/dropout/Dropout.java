package dev.nlptoolkit.models.dropout;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Inverted dropout, as {@code torch.nn.Dropout}: while training each element is zeroed with
 * probability p and the rest are scaled by 1 / (1 - p); outside training the input passes through.
 *
 * <p>On the CPU the mask is drawn here, not by libtorch: libtorch's {@code bernoulli_} runs serially
 * through one Mersenne Twister (about 9 ns an element, some 15% of a BERT training step at 2 threads,
 * the same for PyTorch eager), where SplitMix64 on the calling thread takes about 2 ns and writes
 * 1 / (1 - p) or 0 straight into the mask tensor, which one multiplication then applies. Each call
 * seeds its generator with one draw from libtorch's generator, so masks follow
 * {@code Engine.setRandomSeed} exactly as libtorch's own would (the training loop's per-step seeds,
 * resumed runs). On other devices this is libtorch's dropout.
 *
 * <p>A drop-in for DJL's {@code ai.djl.nn.norm.Dropout}: the same builder and static method.
 */
public final class Dropout extends AbstractBlock {

    /** Mask elements written per bulk copy into the tensor: a small, cache-resident buffer. */
    private static final int CHUNK = 1 << 14;
    private static final double TWO_TO_32 = 4294967296.0;
    private static final long LOW_32_BITS = 0xffffffffL;
    /** SplitMix64's increment. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final ThreadLocal<float[]> CHUNKS = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private final float rate;

    private Dropout(float rate) {
        this.rate = rate;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code x} with dropout at {@code rate} when {@code training}, else {@code x} itself.
     *
     * @return the result as the single element of a list, as DJL's {@code Dropout.dropout}
     */
    public static NDList dropout(NDArray x, float rate, boolean training) {
        requireRate(rate);
        if (!training || rate == 0f || x.size() == 0) {
            return new NDList(x);
        }
        // the mask is written through a view of its memory, which only a CPU tensor gives
        if (!x.getDevice().equals(Device.cpu()) || !x.getManager().getDevice().equals(Device.cpu())
                || x.getDataType() != DataType.FLOAT32) {
            return ai.djl.nn.norm.Dropout.dropout(x, rate, true);
        }
        return new NDList(x.mul(mask(x.getManager(), x.getShape(), rate)));
    }

    /** (shape) of 0 with probability {@code rate}, else 1 / (1 - rate), float32, in {@code manager}. */
    static NDArray mask(NDManager manager, Shape shape, float rate) {
        long state;
        // one draw from libtorch's seeded generator: the masks follow its seed
        try (NDArray seed = manager.randomInteger(0, Long.MAX_VALUE, new Shape(), DataType.INT64)) {
            state = seed.getLong();
        }
        NDArray mask = manager.create(shape, DataType.FLOAT32);
        FloatBuffer out = mask.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        float kept = 1f / (1f - rate);
        // an element is dropped when 32 random bits fall below rate * 2^32: probability within 2^-32 of rate
        long threshold = (long) Math.floor(rate * TWO_TO_32);
        float[] chunk = CHUNKS.get();
        long size = shape.size();
        for (long start = 0; start < size; start += CHUNK) {
            int n = (int) Math.min(CHUNK, size - start);
            // two elements from each 64-bit draw; CHUNK is even, so only the last chunk can end on one
            for (int i = 0; i < n; i += 2) {
                state += GOLDEN_GAMMA;
                long bits = mix(state);
                chunk[i] = (bits & LOW_32_BITS) < threshold ? 0f : kept;
                if (i + 1 < n) {
                    chunk[i + 1] = (bits >>> 32) < threshold ? 0f : kept;
                }
            }
            out.put(chunk, 0, n);
        }
        return mask;
    }

    /** SplitMix64's output function (Steele, Lea and Flood 2014). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static void requireRate(float rate) {
        if (!(rate >= 0f && rate < 1f)) {
            throw new IllegalArgumentException("dropout rate is " + rate + "; give a value in [0, 1)");
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return dropout(inputs.singletonOrThrow(), rate, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    /** The rate this block drops at while training. */
    public float rate() {
        return rate;
    }

    /** As DJL's {@code Dropout.Builder}: {@code optRate}, default 0.5. */
    public static final class Builder {
        private float rate = 0.5f;

        private Builder() {}

        public Builder optRate(float rate) {
            this.rate = rate;
            return this;
        }

        public Dropout build() {
            requireRate(rate);
            return new Dropout(rate);
        }
    }
}
