package dev.nlptoolkit.models.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

/**
 * The additive mask of {@link ScaledDotProductAttention#maskedSoftmax}: the same weights a select would give,
 * whether the caller passes the boolean mask or its additive form.
 */
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
    void aMaskGivenInAdditiveFormGivesTheBooleanMasksWeightsBitForBit() {
        Engine.getInstance().setRandomSeed(12);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray query = manager.randomNormal(new Shape(2, 3, 4, 8));
            NDArray key = manager.randomNormal(new Shape(2, 3, 6, 8));
            NDArray value = manager.randomNormal(new Shape(2, 3, 6, 8));
            NDArray visible = manager.create(new boolean[] {true, true, true, true, false, false,
                true, false, true, true, true, true}).reshape(2, 1, 1, 6);
            ScaledDotProductAttention.Result fromBoolean =
                    ScaledDotProductAttention.apply(query, key, value, visible, 0f, false);
            // as a decoder's steps pass the memory mask, converted once
            ScaledDotProductAttention.Result fromAdditive = ScaledDotProductAttention.apply(query, key, value,
                    ScaledDotProductAttention.additiveMask(visible, DataType.FLOAT32), 0f, false);
            assertArrayEquals(fromBoolean.probabilities().toFloatArray(), fromAdditive.probabilities().toFloatArray());
            assertArrayEquals(fromBoolean.output().toFloatArray(), fromAdditive.output().toFloatArray());
            assertEquals(0f, fromAdditive.probabilities().get("1, :, :, 1").abs().max().getFloat(), "hidden key");
        }
    }

    @Test
    void keyMaskIsTheAdditiveFormOfPaddingAndNullWithoutPadding() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray full = manager.create(new long[][] {{1, 1, 1}, {1, 1, 1}});
            assertNull(ScaledDotProductAttention.keyMask(full, DataType.FLOAT32), "no key is padding");
            NDArray padded = manager.create(new long[][] {{1, 1, 1}, {1, 1, 0}});
            NDArray mask = ScaledDotProductAttention.keyMask(padded, DataType.FLOAT32);
            assertEquals(new Shape(2, 1, 1, 3), mask.getShape());
            assertArrayEquals(ScaledDotProductAttention.additiveMask(
                    ScaledDotProductAttention.keyVisibility(padded), DataType.FLOAT32).toFloatArray(),
                    mask.toFloatArray());
            assertEquals(ScaledDotProductAttention.MASK_VALUE, mask.getFloat(1, 0, 0, 2));
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
