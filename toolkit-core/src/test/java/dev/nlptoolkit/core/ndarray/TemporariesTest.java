package dev.nlptoolkit.core.ndarray;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

class TemporariesTest {

    @Test
    void closesWhatTheComputationMadeKeepsWhatItPicksAndGivesTheInputsBack() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {1f, 2f, 3f});
            NDArray y = manager.create(new float[] {10f, 20f, 30f});
            NDList result = Temporaries.freedOnReturn(() -> {
                NDArray sum = x.add(y);
                return new NDList(sum, sum.mul(2f));
            }, r -> new NDList(r.get(1)), x, null, y);

            assertTrue(result.get(0).isReleased(), "the intermediate sum is closed");
            NDArray kept = result.get(1);
            assertFalse(kept.isReleased());
            assertSame(manager, kept.getManager(), "the kept array moves to the caller's manager");
            assertArrayEquals(new float[] {22f, 44f, 66f}, kept.toFloatArray());
            for (NDArray input : new NDArray[] {x, y}) {
                assertFalse(input.isReleased(), "an input is lent, not closed");
                assertSame(manager, input.getManager(), "an input goes back to its manager");
            }
            assertEquals(3, manager.getManagedArrays().size(), "x, y and the kept array");
        }
    }

    @Test
    void needsAnInputToScopeBy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Temporaries.freedOnReturn(NDList::new, r -> r, (NDArray) null));
        assertTrue(e.getMessage().contains("no input array"), e.getMessage());
    }
}
