package dev.nlptoolkit.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** A seeded linear-regression problem on made-up data: y = x . (1, -2, 0.5) + 0.3 + noise. */
final class Regression {

    static final int EXAMPLES = 24;
    static final int FEATURES = 3;
    private static final float[] TRUE_WEIGHT = {1f, -2f, 0.5f};
    private static final float TRUE_BIAS = 0.3f;
    private static final double NOISE = 0.1;
    private static final int MODEL_SEED = 7;
    private static final long DATA_SEED = 11;

    final float[][] x = new float[EXAMPLES][FEATURES];
    final float[] y = new float[EXAMPLES];
    final Linear block;
    final Map<String, Parameter> parameters = new LinkedHashMap<>();

    /** The data and a freshly initialised model: two instances start identical. */
    Regression(NDManager manager) {
        SplittableRandom random = new SplittableRandom(DATA_SEED);
        for (int i = 0; i < EXAMPLES; i++) {
            float target = TRUE_BIAS;
            for (int j = 0; j < FEATURES; j++) {
                x[i][j] = (float) random.nextGaussian();
                target += x[i][j] * TRUE_WEIGHT[j];
            }
            y[i] = target + (float) (NOISE * random.nextGaussian());
        }
        Engine.getInstance().setRandomSeed(MODEL_SEED);
        block = Linear.builder().setUnits(1).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, FEATURES));
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.put(p.getKey(), p.getValue());
        }
    }

    /** Mean squared error over the examples in {@code indices}. */
    NDArray loss(int[] indices, NDManager manager) {
        float[] xs = new float[indices.length * FEATURES];
        float[] ys = new float[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(x[indices[i]], 0, xs, i * FEATURES, FEATURES);
            ys[i] = y[indices[i]];
        }
        NDArray input = manager.create(xs, new Shape(indices.length, FEATURES));
        NDArray target = manager.create(ys, new Shape(indices.length, 1));
        NDArray prediction = block.forward(new ParameterStore(manager, false), new NDList(input), true).singletonOrThrow();
        return prediction.sub(target).square().mean();
    }

    double mse(NDManager manager) {
        int[] all = new int[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            all[i] = i;
        }
        return loss(all, manager).getFloat();
    }

    float[] weights() {
        float[] w = parameters.get("weight").getArray().toFloatArray();
        float[] b = parameters.get("bias").getArray().toFloatArray();
        float[] out = new float[w.length + b.length];
        System.arraycopy(w, 0, out, 0, w.length);
        System.arraycopy(b, 0, out, w.length, b.length);
        return out;
    }

    AdamW adamW(long totalSteps) {
        return AdamW.builder()
                .setParameters(parameters)
                .setSchedule(LearningRateSchedule.linearWarmupThenDecay(0.1, 3, totalSteps))
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .build();
    }
}
