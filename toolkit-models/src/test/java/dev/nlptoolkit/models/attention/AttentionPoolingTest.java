package dev.nlptoolkit.models.attention;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

class AttentionPoolingTest {

    private static final int SEED = 23;
    private static final int BATCH = 2;
    private static final int LENGTH = 5;
    private static final int STATES = 7;
    private static final int UNITS = 3;

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private AttentionPooling pooling() {
        AttentionPooling block = AttentionPooling.builder().setUnits(UNITS).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, LENGTH, STATES), new Shape(BATCH, LENGTH));
        return block;
    }

    @Test
    void matchesAHandComputedExample() {
        AttentionPooling block = AttentionPooling.builder().setUnits(2).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 2));
        assertEquals(List.of("ws1.weight", "ws2.weight"), List.copyOf(StateDict.of(block).keySet()));
        StateDict.of(block).get("ws1.weight").getArray().set(new float[] {1, 0, 0, 1});
        StateDict.of(block).get("ws2.weight").getArray().set(new float[] {1, -1});
        NDArray states = manager.create(new float[] {1, 0, 0, 1, 3, 3}).reshape(1, 3, 2);
        NDArray mask = manager.create(new int[] {1, 1, 0}).reshape(1, 3);
        AttentionOutput out = block.pool(ps, AttentionInput.selfAttention(states, mask), false);
        // scores tanh(1) and -tanh(1); the third token is padding
        float w0 = (float) (1 / (1 + Math.exp(-2 * Math.tanh(1))));
        assertClose(manager.create(new float[] {w0, 1 - w0, 0}).reshape(1, 3), out.weights(), "weights");
        assertClose(manager.create(new float[] {w0, 1 - w0}).reshape(1, 2), out.output(), "pooled");
    }

    @Test
    void weightsSumToOneAndPaddingChangesNothing() throws Exception {
        AttentionPooling block = pooling();
        NDArray states = manager.randomNormal(new Shape(BATCH, LENGTH, STATES));
        NDArray mask = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}).reshape(BATCH, LENGTH);
        AttentionOutput out = block.pool(ps, AttentionInput.selfAttention(states, mask), false);
        assertEquals(new Shape(BATCH, STATES), out.output().getShape());
        assertClose(manager.ones(new Shape(BATCH)), out.weights().sum(new int[] {-1}), "weights sum to 1");
        assertEquals(0f, out.weights().get("1, 2:").abs().sum().getFloat(), "padding gets no weight");

        AttentionOutput trimmed = block.pool(ps, AttentionInput.selfAttention(states.get("1:2, 0:2"), null), false);
        assertClose(trimmed.output(), out.output().get("1:2"), "second row without padding");
        AttentionOutput first = block.pool(
                ps, AttentionInput.selfAttention(states.get("0:1"), mask.get("0:1")), false);
        assertClose(out.output().get("0:1"), first.output(), "batch of one");

        NDList input = AttentionInput.selfAttention(states, mask).toNDList();
        assertSaveLoadRoundTrip(block, AttentionPooling.builder().setUnits(UNITS).build(), manager,
                b -> forward(b, manager, input).get(1));
    }
}
