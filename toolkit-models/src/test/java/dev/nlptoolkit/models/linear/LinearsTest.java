package dev.nlptoolkit.models.linear;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Linears} against DJL's own {@link Linear}: same outputs and gradients, any rank, any layout. */
class LinearsTest {

    /** addmm and matmul + add_ sum in different orders: a few float32 ulps of outputs near 1. */
    private static final float TOLERANCE = 1e-6f;
    private static final int IN = 7;
    private static final int UNITS = 11;

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(5);
        manager = NDManager.newBaseManager();
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Linear linear(boolean bias) {
        Linear linear = Linear.builder().setUnits(UNITS).optBias(bias).build();
        linear.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
        if (bias) {
            // DJL initialises biases to zero, which would hide a bias left out or added twice
            StateDict.of(linear).get("bias").getArray().set(manager.randomNormal(new Shape(UNITS)).toFloatArray());
        }
        return linear;
    }

    private NDArray djl(Linear linear, NDArray x, boolean training) {
        return linear.forward(store, new NDList(x), training).singletonOrThrow();
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float diff = expected.sub(actual).abs().max().getFloat();
        assertTrue(diff <= TOLERANCE, what + ": max abs difference " + diff + " > " + TOLERANCE);
    }

    @Test
    void threeDimensionalInputGivesDjlsOutputWithTheBias() {
        Linear linear = linear(true);
        // (B, T, E) = (3, 5, 7) -> (3, 5, 11)
        NDArray x = manager.randomNormal(new Shape(3, 5, IN));
        NDArray out = Linears.forward(store, linear, x, false);
        assertEquals(new Shape(3, 5, UNITS), out.getShape());
        assertClose(djl(linear, x, false), out, "(B, T, E)");
        // the bias is really there: without it the outputs differ by far more than rounding
        NDArray withoutBias = x.matMul(StateDict.of(linear).get("weight").getArray().transpose());
        assertTrue(out.sub(withoutBias).abs().max().getFloat() > 0.1f);
    }

    @Test
    void fourDimensionalAndBiasFreeInputsGiveDjlsOutput() {
        Linear linear = linear(false);
        NDArray x = manager.randomNormal(new Shape(2, 3, 4, IN));
        NDArray out = Linears.forward(store, linear, x, false);
        assertEquals(new Shape(2, 3, 4, UNITS), out.getShape());
        assertClose(djl(linear, x, false), out, "(B, Tq, Tk, E) without bias");
    }

    @Test
    void nonContiguousInputGivesDjlsOutput() {
        Linear linear = linear(true);
        // (T, B, E) transposed to (B, T, E): strides that a plain view cannot flatten
        NDArray x = manager.randomNormal(new Shape(5, 3, IN)).transpose(1, 0, 2);
        assertClose(djl(linear, x, false), Linears.forward(store, linear, x, false), "transposed input");
    }

    @Test
    void matricesAndVectorsGoStraightToDjl() {
        Linear linear = linear(true);
        NDArray matrix = manager.randomNormal(new Shape(4, IN));
        assertArrayEquals(djl(linear, matrix, false).toFloatArray(),
                Linears.forward(store, linear, matrix, false).toFloatArray());
        NDArray vector = manager.randomNormal(new Shape(IN));
        assertEquals(djl(linear, vector, false).getShape(), Linears.forward(store, linear, vector, false).getShape());
    }

    @Test
    void functionalFormGivesDjlsLinear() {
        NDArray w = manager.randomNormal(new Shape(UNITS, IN));
        NDArray b = manager.randomNormal(new Shape(UNITS));
        NDArray x = manager.randomNormal(new Shape(3, 5, IN));
        assertClose(Linear.linear(x, w, b).singletonOrThrow(), Linears.linear(x, w, b), "linear(x, w, b)");
        assertClose(Linear.linear(x, w, null).singletonOrThrow(), Linears.linear(x, w, null), "linear(x, w)");
    }

    @Test
    void gradientsOfInputWeightAndBiasEqualDjls() {
        Linear linear = linear(true);
        NDArray x = manager.randomNormal(new Shape(3, 5, IN));
        NDArray upstream = manager.randomNormal(new Shape(3, 5, UNITS));
        NDArray[] viaDjl = gradients(linear, x, upstream, false);
        NDArray[] viaLinears = gradients(linear, x, upstream, true);
        String[] names = {"input", "weight", "bias"};
        for (int i = 0; i < names.length; i++) {
            assertNotSame(viaDjl[i], viaLinears[i]);
            assertClose(viaDjl[i], viaLinears[i], "gradient of the " + names[i]);
        }
    }

    /** d sum(upstream * linear(x)) / d (x, weight, bias), through Linears or DJL's Linear. */
    private NDArray[] gradients(Linear linear, NDArray x, NDArray upstream, boolean flattened) {
        var parameters = StateDict.of(linear).values();
        Gradients.zero(parameters);
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray out = flattened ? Linears.forward(store, linear, input, true) : djl(linear, input, true);
            collector.backward(out.mul(upstream).sum());
        }
        return new NDArray[] {
            input.getGradient().duplicate(),
            Gradients.of(StateDict.of(linear).get("weight").getArray()).duplicate(),
            Gradients.of(StateDict.of(linear).get("bias").getArray()).duplicate()
        };
    }
}
