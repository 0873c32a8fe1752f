package dev.nlptoolkit.models.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/** The additive mask of {@link ScaledDotProductAttention#maskedSoftmax}: the same weights a select would give. */
class ScaledDotProductAttentionTest {

    @Test
    void additiveMaskIsMinusZeroWhereVisibleAndMaskValueWhereHidden() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray visible = manager.create(new boolean[] {true, false, true});
            float[] mask = ScaledDotProductAttention.additiveMask(visible, DataType.FLOAT32).toFloatArray();
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(mask[0]), "-0 keeps every score");
            assertEquals(ScaledDotProductAttention.MASK_VALUE, mask[1]);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(mask[2]));
        }
    }

    @Test
    void visibleScoresGiveTheSoftmaxOfTheVisibleOnesAndHiddenOnesZero() {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            // (B, N, Tq, Tk) = (2, 3, 5, 7), keys 5 and 6 of batch 1 hidden
            NDArray scores = manager.randomNormal(new Shape(2, 3, 5, 7)).mul(4);
            boolean[] keys = new boolean[14];
            Arrays.fill(keys, true);
            keys[12] = false;
            keys[13] = false;
            NDArray visible = manager.create(keys).reshape(2, 1, 1, 7);
            NDArray weights = ScaledDotProductAttention.maskedSoftmax(scores, visible);
            // batch 0 sees every key: bit for bit the plain softmax
            assertArrayEquals(scores.get(0).softmax(-1).toFloatArray(), weights.get(0).toFloatArray());
            // batch 1: the softmax over its first five keys (summed over seven, so to rounding), zero after
            assertArrayEquals(scores.get("1, :, :, :5").softmax(-1).toFloatArray(),
                    weights.get("1, :, :, :5").toFloatArray(), 1e-7f);
            assertEquals(0f, weights.get("1, :, :, 5:").abs().max().getFloat());
        }
    }

    @Test
    void aRowWithEveryKeyHiddenGetsUniformWeightsNotNaN() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray scores = manager.create(new float[] {3f, -2f, 0.5f, 40f}).reshape(1, 4);
            NDArray hidden = manager.create(new boolean[] {false, false, false, false}).reshape(1, 4);
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f},
                    ScaledDotProductAttention.maskedSoftmax(scores, hidden).toFloatArray());
        }
    }
}
