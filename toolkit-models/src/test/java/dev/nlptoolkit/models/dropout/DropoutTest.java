package dev.nlptoolkit.models.dropout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.train.Gradients;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** Host-drawn dropout: torch's inverted-dropout semantics, its rate, its seeding, its gradient. */
class DropoutTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private float[] dropOnes(Shape shape, float rate, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return Dropout.dropout(manager.ones(shape), rate, true).singletonOrThrow().toFloatArray();
    }

    @Test
    void dropsAtTheRateAndScalesTheRestByOneOverOneMinusIt() {
        for (float rate : new float[] {0.1f, 0.5f, 0.9f}) {
            // 2^20 + 3 elements: many chunks and an odd tail
            float[] out = dropOnes(new Shape(1024, 1024 + 3), rate, 7);
            float kept = 1f / (1f - rate);
            long zeros = 0;
            for (float v : out) {
                if (v == 0f) {
                    zeros++;
                } else {
                    assertEquals(kept, v, 0f, "a kept element is scaled by exactly 1 / (1 - p)");
                }
            }
            double share = (double) zeros / out.length;
            double sigma = Math.sqrt(rate * (1 - rate) / out.length);
            assertEquals(rate, share, 5 * sigma, "rate " + rate);
        }
    }

    @Test
    void masksFollowLibtorchsSeedAndDifferBetweenCalls() {
        Shape shape = new Shape(37, 41);
        float[] first = dropOnes(shape, 0.3f, 11);
        assertArrayEquals(first, dropOnes(shape, 0.3f, 11), "the same seed draws the same mask");
        assertFalse(Arrays.equals(first, dropOnes(shape, 0.3f, 12)), "another seed, another mask");
        Engine.getInstance().setRandomSeed(11);
        NDArray ones = manager.ones(shape);
        float[] a = Dropout.dropout(ones, 0.3f, true).singletonOrThrow().toFloatArray();
        float[] b = Dropout.dropout(ones, 0.3f, true).singletonOrThrow().toFloatArray();
        assertArrayEquals(first, a);
        assertFalse(Arrays.equals(a, b), "each call draws a fresh mask");
    }

    @Test
    void passesTheInputThroughOutsideTrainingOrAtRateZero() {
        NDArray x = manager.randomNormal(new Shape(3, 5));
        assertSame(x, Dropout.dropout(x, 0.5f, false).singletonOrThrow());
        assertSame(x, Dropout.dropout(x, 0f, true).singletonOrThrow());
        NDArray empty = manager.zeros(new Shape(0, 5));
        assertSame(empty, Dropout.dropout(empty, 0.5f, true).singletonOrThrow());
        Dropout block = Dropout.builder().optRate(0.5f).build();
        assertSame(x, block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow());
        assertEquals(new Shape(3, 5), block.getOutputShapes(new Shape[] {new Shape(3, 5)})[0]);
    }

    @Test
    void theGradientIsTheMask() {
        NDArray x = manager.randomNormal(new Shape(6, 9));
        x.setRequiresGradient(true);
        Engine.getInstance().setRandomSeed(3);
        NDArray y;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            y = Dropout.dropout(x, 0.25f, true).singletonOrThrow();
            collector.backward(y.sum());
        }
        float[] out = y.toFloatArray();
        float[] in = x.toFloatArray();
        float[] gradient = Gradients.of(x).toFloatArray();
        int dropped = 0;
        for (int i = 0; i < out.length; i++) {
            float mask = gradient[i];
            assertTrue(mask == 0f || mask == 1f / 0.75f, "gradient " + mask);
            assertEquals(in[i] * mask, out[i], 0f);
            dropped += mask == 0f ? 1 : 0;
        }
        assertTrue(dropped > 0 && dropped < out.length);
    }

    @Test
    void refusesRatesOutsideZeroToOne() {
        NDArray x = manager.ones(new Shape(2));
        for (float rate : new float[] {-0.1f, 1f, Float.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Dropout.dropout(x, rate, true));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Dropout.builder().optRate(rate).build());
        }
    }
}
