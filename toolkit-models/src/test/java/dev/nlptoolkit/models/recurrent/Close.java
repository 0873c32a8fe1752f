package dev.nlptoolkit.models.recurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;

/** Element-wise comparison of arrays with the largest difference in the failure message. */
public final class Close {

    /** Forward passes are compared at this absolute tolerance. */
    public static final float TOLERANCE = 1e-5f;

    private Close() {}

    public static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float diff = expected.toType(actual.getDataType(), false).sub(actual).abs().max().getFloat();
        assertTrue(diff <= TOLERANCE, what + ": max abs difference " + diff + " > " + TOLERANCE);
    }

    /** Bit-for-bit equality, for round trips that must not change a single value. */
    public static void assertSame(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.toFloatArray(), actual.toFloatArray(), what);
    }
}
