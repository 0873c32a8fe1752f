package dev.nlptoolkit.models.attention;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.function.Supplier;

/** AdditiveAttention (Bahdanau) and MultiplicativeAttention (Luong dot/general). */
class AlignmentAttentionTest {

    private static final int SEED = 17;
    private static final int BATCH = 3;
    private static final int KEYS = 5;
    private static final int QUERY_SIZE = 7;
    private static final int KEY_SIZE = 9;
    private static final int UNITS = 6;

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

    private void set(Block block, String name, float[] values) {
        StateDict.of(block).get(name).getArray().set(values);
    }

    /** Two keys visible, the third padded, in a batch of one. */
    private NDArray twoOfThree() {
        return manager.create(new int[] {1, 1, 0}).reshape(1, 3);
    }

    @Test
    void additiveMatchesAHandComputedExample() {
        AdditiveAttention block = AdditiveAttention.builder().setUnits(2).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 3, 2));
        set(block, "query_proj.weight", new float[] {1, 0, 0, 1});
        set(block, "key_proj.weight", new float[] {1, 0, 0, 1});
        set(block, "v.weight", new float[] {1, 1});
        NDArray query = manager.create(new float[] {0.5f, 0f}).reshape(1, 2);
        NDArray keys = manager.create(new float[] {0, 0.5f, 1, 1, 4, 4}).reshape(1, 3, 2);
        AttentionOutput out = block.attend(ps, AttentionInput.of(query, keys, twoOfThree()), false);
        // score = tanh(q1 + k1) + tanh(q2 + k2)
        double s0 = Math.tanh(0.5) + Math.tanh(0.5);
        double s1 = Math.tanh(1.5) + Math.tanh(1.0);
        float w0 = (float) (1 / (1 + Math.exp(s1 - s0)));
        float w1 = 1 - w0;
        assertClose(manager.create(new float[] {w0, w1, 0}).reshape(1, 3), out.weights(), "weights");
        assertClose(manager.create(new float[] {w1, 0.5f * w0 + w1}).reshape(1, 2), out.output(), "context");
    }

    @Test
    void multiplicativeDotAndGeneralMatchHandComputedExamples() {
        NDArray query = manager.create(new float[] {1f, 1f}).reshape(1, 2);
        NDArray keys = manager.create(new float[] {1, 0, 0, 1, 2, 2}).reshape(1, 3, 2);
        AttentionInput input = AttentionInput.of(query, keys, twoOfThree());

        MultiplicativeAttention dot = MultiplicativeAttention.builder().setQuerySize(2).optScore(LuongScore.DOT).build();
        dot.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 3, 2));
        assertEquals(0, StateDict.of(dot).size());
        // scores 1 and 1: equal weights
        assertClose(manager.create(new float[] {0.5f, 0.5f, 0}).reshape(1, 3), dot.attend(ps, input, false).weights(),
                "dot weights");

        MultiplicativeAttention general = MultiplicativeAttention.builder().setQuerySize(2).build();
        general.initialize(manager, DataType.FLOAT32, new Shape(1, 2), new Shape(1, 3, 2));
        set(general, "key_proj.weight", new float[] {2, 0, 0, 1});
        // q^T W k: [1 1] diag(2, 1) k -> 2 for k = e1, 1 for k = e2
        AttentionOutput out = general.attend(ps, input, false);
        float w0 = (float) (1 / (1 + Math.exp(-1)));
        assertClose(manager.create(new float[] {w0, 1 - w0, 0}).reshape(1, 3), out.weights(), "general weights");
        assertClose(manager.create(new float[] {w0, 1 - w0}).reshape(1, 2), out.output(), "general context");
    }

    private void checkProperties(Supplier<AlignmentAttentionBase> factory) throws Exception {
        AlignmentAttentionBase block = factory.get();
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, QUERY_SIZE), new Shape(BATCH, KEYS, KEY_SIZE));
        NDArray queries = manager.randomNormal(new Shape(BATCH, 2, QUERY_SIZE));
        NDArray keys = manager.randomNormal(new Shape(BATCH, KEYS, KEY_SIZE));
        NDArray mask = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0}).reshape(BATCH, KEYS);

        AttentionOutput many = block.attend(ps, AttentionInput.of(queries, keys, mask), false);
        assertEquals(new Shape(BATCH, 2, KEY_SIZE), many.output().getShape());
        assertClose(manager.ones(new Shape(BATCH, 2)), many.weights().sum(new int[] {-1}), "row sums");
        NDArray hidden = mask.eq(0).expandDims(1).broadcast(many.weights().getShape());
        assertEquals(0f, many.weights().get(hidden).abs().sum().getFloat(), "masked keys get no weight");

        // One query (B, Eq) is the same as a length-one sequence of queries.
        AttentionOutput one = block.attend(ps, AttentionInput.of(queries.get(":, 1"), keys, mask), false);
        assertClose(many.output().get(":, 1"), one.output(), "single query context");
        assertClose(many.weights().get(":, 1"), one.weights(), "single query weights");

        // Padding does not change the result, and a batch of N equals N batches of 1.
        AttentionOutput trimmed = block.attend(
                ps, AttentionInput.of(queries.get("2:3"), keys.get("2:3, 0:1"), null), false);
        assertClose(trimmed.output(), many.output().get("2:3"), "output without padding");
        AttentionOutput first = block.attend(
                ps, AttentionInput.of(queries.get("0:1"), keys.get("0:1"), mask.get("0:1")), false);
        assertClose(many.output().get("0:1"), first.output(), "batch of one");

        NDList input = AttentionInput.of(queries, keys, mask).toNDList();
        AlignmentAttentionBase fresh = factory.get();
        assertSaveLoadRoundTrip(block, fresh, manager, b -> forward(b, manager, input).get(0));
    }

    @Test
    void additiveProperties() throws Exception {
        checkProperties(() -> AdditiveAttention.builder().setUnits(UNITS).build());
    }

    @Test
    void multiplicativeGeneralProperties() throws Exception {
        checkProperties(() -> MultiplicativeAttention.builder().setQuerySize(QUERY_SIZE).build());
    }

    @Test
    void dotNeedsEqualSizes() {
        MultiplicativeAttention dot = MultiplicativeAttention.builder().setQuerySize(QUERY_SIZE)
                .optScore(LuongScore.DOT).build();
        dot.initialize(manager, DataType.FLOAT32, new Shape(1, QUERY_SIZE), new Shape(1, KEYS, KEY_SIZE));
        AttentionInput input = AttentionInput.of(
                manager.ones(new Shape(1, QUERY_SIZE)), manager.ones(new Shape(1, KEYS, KEY_SIZE)), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dot.attend(ps, input, false));
        assertEquals(true, e.getMessage().contains("same size"), e.getMessage());
    }
}
