package dev.nlptoolkit.models.attention;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/** KeyValueCache: positions written in place, growth by doubling, reorder, and where its arrays live. */
class KeyValueCacheTest {

    private static final int BATCH = 3;
    private static final int HEADS = 2;
    private static final int HEAD_SIZE = 5;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(3);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private KeyValue positions(long count) {
        Shape shape = new Shape(BATCH, HEADS, count, HEAD_SIZE);
        return new KeyValue(manager.randomNormal(shape), manager.randomNormal(shape));
    }

    @Test
    void appendsWriteIntoTheSameBuffersUntilFullThenDouble() {
        NDManager owner = manager.newSubManager();
        KeyValueCache cache = KeyValueCache.create(owner, 4);
        List<KeyValue> appended = new ArrayList<>();
        appended.add(positions(1));
        cache.append(appended.get(0));
        assertEquals(4, cache.capacity());
        NDArray buffer = owner.getManagedArrays().get(0);
        for (int t = 1; t < 4; t++) {
            appended.add(positions(1));
            cache.append(appended.get(t));
            // in place: the owner holds the same two buffers, nothing was copied into new ones
            assertEquals(2, owner.getManagedArrays().size());
            assertSame(buffer, owner.getManagedArrays().get(0));
        }
        appended.add(positions(2));
        cache.append(appended.get(4));
        assertEquals(8, cache.capacity());
        assertEquals(6, cache.length());
        assertEquals(2, owner.getManagedArrays().size(), "the outgrown buffers are closed");

        try (NDManager step = manager.newSubManager()) {
            KeyValue view = cache.view(step);
            NDList keys = new NDList();
            appended.forEach(kv -> keys.add(kv.key()));
            assertClose(NDArrays.concat(keys, 2), view.key(), "keys in order");
            assertEquals(new Shape(BATCH, HEADS, 6, HEAD_SIZE), view.value().getShape());
            assertEquals(2, step.getManagedArrays().size(), "views live in the reader's manager");
        }
        owner.close();
    }

    @Test
    void reorderKeepsTheChosenRowsInTheOwner() {
        NDManager owner = manager.newSubManager();
        KeyValueCache cache = KeyValueCache.create(owner, 2);
        KeyValue first = positions(3);
        cache.append(first);
        cache.reorder(manager.create(new long[] {2, 2, 0, 1}));
        assertEquals(4, cache.batchSize());
        assertEquals(2, owner.getManagedArrays().size());
        try (NDManager step = manager.newSubManager()) {
            assertClose(first.value().get(manager.create(new long[] {2, 2, 0, 1})), cache.view(step).value(),
                    "rows 2, 2, 0, 1");
        }
        owner.close();
    }

    @Test
    void anEmptyCacheSaysSo() {
        KeyValueCache cache = KeyValueCache.create(manager, 1);
        assertThrows(IllegalStateException.class, () -> cache.view(manager));
        assertThrows(IllegalArgumentException.class, () -> KeyValueCache.create(manager, 0));
    }
}
