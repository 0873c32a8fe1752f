package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Values worked out by hand from Hugging Face's lr_lambda formulas. */
class LearningRateScheduleTest {

    private static final double COSINE_TOLERANCE = 1e-15;

    @Test
    void constantIsConstant() {
        LearningRateSchedule s = LearningRateSchedule.constant(0.5);
        assertEquals(0.5, s.lr(0));
        assertEquals(0.5, s.lr(1_000_000));
    }

    @Test
    void linearWarmupThenDecayFollowsTransformers() {
        LearningRateSchedule s = LearningRateSchedule.linearWarmupThenDecay(0.5, 4, 10);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.125, s.lr(1));
        assertEquals(0.375, s.lr(3));
        assertEquals(0.5, s.lr(4));
        assertEquals(0.25, s.lr(7));
        assertEquals(0.0, s.lr(10));
        assertEquals(0.0, s.lr(12));
    }

    @Test
    void linearWithoutWarmupStartsAtPeak() {
        LearningRateSchedule s = LearningRateSchedule.linearWarmupThenDecay(2.0, 0, 8);
        assertEquals(2.0, s.lr(0));
        assertEquals(1.0, s.lr(4));
    }

    @Test
    void cosineWithWarmupFollowsTransformers() {
        LearningRateSchedule s = LearningRateSchedule.cosineWithWarmup(2.0, 2, 6);
        assertEquals(0.0, s.lr(0));
        assertEquals(1.0, s.lr(1));
        assertEquals(2.0, s.lr(2));
        assertEquals(1.0, s.lr(4), COSINE_TOLERANCE);
        // 2 * 0.5 * (1 + cos(3 pi / 4)) = 1 - sqrt(2) / 2
        assertEquals(1 - Math.sqrt(2) / 2, s.lr(5), COSINE_TOLERANCE);
        assertEquals(0.0, s.lr(6), COSINE_TOLERANCE);
        assertEquals(0.0, s.lr(9), COSINE_TOLERANCE);
    }

    @Test
    void inverseSqrtRisesThenFallsAsFairseqDoes() {
        LearningRateSchedule s = LearningRateSchedule.inverseSqrtWithWarmup(1.0, 4);
        assertEquals(0.0, s.lr(0));
        assertEquals(0.5, s.lr(2));
        assertEquals(1.0, s.lr(4));
        assertEquals(0.5, s.lr(16));
        assertEquals(0.25, s.lr(64));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearWarmupThenDecay(1, 5, 4));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosineWithWarmup(1, -1, 4));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.inverseSqrtWithWarmup(1, 0));
    }
}
