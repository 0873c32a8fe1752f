package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;

import java.util.Map;

class GradientClippingTest {

    private static final double TOLERANCE = 1e-5;

    /** Gradients (3, 4) and (12): joint norm 13. */
    private static Map<String, Parameter> withGradients(NDManager manager) {
        Map<String, Parameter> params = TestParameters.named(
                TestParameters.parameter("a", manager.create(new float[] {1, 1})),
                TestParameters.parameter("b", manager.create(new float[] {1})));
        TestParameters.setGradients(manager, params, Map.of("a", new float[] {3, 4}, "b", new float[] {12}));
        return params;
    }

    private static float[] gradient(Parameter p) {
        try (NDArray g = Gradients.of(p.getArray())) {
            return g.toFloatArray();
        }
    }

    @Test
    void clipsTheJointNormToMaxNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = withGradients(manager);
            assertEquals(13.0, GradientClipping.clipByGlobalNorm(params.values(), 6.5), TOLERANCE);
            float[] a = gradient(params.get("a"));
            float[] b = gradient(params.get("b"));
            assertArrayEquals(new float[] {1.5f, 2f}, a, 1e-5f);
            assertArrayEquals(new float[] {6f}, b, 1e-5f);
            double norm = Math.sqrt(a[0] * a[0] + a[1] * a[1] + b[0] * b[0]);
            assertEquals(6.5, norm, TOLERANCE);
            // Clipping again finds the clipped norm.
            assertEquals(6.5, GradientClipping.clipByGlobalNorm(params.values(), 6.5), TOLERANCE);
        }
    }

    @Test
    void leavesSmallGradientsAlone() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = withGradients(manager);
            assertEquals(13.0, GradientClipping.clipByGlobalNorm(params.values(), 20), TOLERANCE);
            assertArrayEquals(new float[] {3, 4}, gradient(params.get("a")));
            assertArrayEquals(new float[] {12}, gradient(params.get("b")));
        }
    }

    @Test
    void zeroingClearsGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = withGradients(manager);
            Gradients.zero(params.values());
            assertArrayEquals(new float[] {0, 0}, gradient(params.get("a")));
            // A second backward without zeroing accumulates; zeroing first does not.
            TestParameters.setGradients(manager, params, Map.of("a", new float[] {3, 4}, "b", new float[] {12}));
            assertArrayEquals(new float[] {3, 4}, gradient(params.get("a")));
        }
    }

    /** Regression: a NaN norm made {@code coefficient < 1} false and NaN gradients went through unclipped. */
    @Test
    void aNanOrInfiniteNormThrowsAndLeavesTheGradientsAlone() {
        float[][] cases = {{Float.NaN, 4}, {Float.POSITIVE_INFINITY, 4}};
        for (float[] bad : cases) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Map<String, Parameter> params = withGradients(manager);
                TestParameters.setGradients(manager, params, Map.of("a", bad, "b", new float[] {12}));
                NonFiniteException e = assertThrows(NonFiniteException.class,
                        () -> GradientClipping.clipByGlobalNorm(params.values(), 1.0));
                assertEquals("gradient norm", e.quantity());
                assertTrue(Double.isNaN(bad[0]) ? Double.isNaN(e.value()) : e.value() == Double.POSITIVE_INFINITY);
                // Unchanged: an infinite norm would otherwise give 0 x inf = NaN in every gradient.
                assertArrayEquals(new float[] {12}, gradient(params.get("b")));
                assertEquals(e.value(), GradientClipping.globalNorm(params.values()));
            }
        }
    }
}
