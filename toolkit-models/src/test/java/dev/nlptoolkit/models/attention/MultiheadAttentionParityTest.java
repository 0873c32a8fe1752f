package dev.nlptoolkit.models.attention;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static dev.nlptoolkit.models.attention.Blocks.readFixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SelfAttention and CrossAttention against torch.nn.MultiheadAttention (test-fixtures/attention,
 * embed 16, heads 4), plus the masking, batching and persistence properties.
 */
class MultiheadAttentionParityTest {

    private static final int EMBED = 16;
    private static final int HEADS = 4;
    private static final String WEIGHTS_PREFIX = "weights.";
    private static final int SEED = 5;

    private NDManager manager;
    private Map<String, NDArray> fixture;
    private ParameterStore ps;

    @BeforeEach
    void setUp() throws Exception {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
        fixture = readFixture("attention/mha.safetensors", manager);
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Map<String, NDArray> torchWeights() {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((k, v) -> {
            if (k.startsWith(WEIGHTS_PREFIX)) {
                weights.put(k.substring(WEIGHTS_PREFIX.length()), v);
            }
        });
        return weights;
    }

    private SelfAttention selfAttention(boolean returnWeights) {
        SelfAttention block = SelfAttention.builder().setEmbedDim(EMBED).setHeads(HEADS)
                .optReturnWeights(returnWeights).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, EMBED));
        return block;
    }

    private CrossAttention crossAttention() throws Exception {
        CrossAttention block = CrossAttention.builder().setEmbedDim(EMBED).setHeads(HEADS).build();
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, EMBED), new Shape(2, 5, EMBED));
        StateDict.load(block, torchWeights(), "mha.safetensors");
        return block;
    }

    /** torch's key_padding_mask is 1 for padding; ours is nonzero for real tokens. */
    private NDArray realTokens() {
        return fixture.get("key_padding_mask").eq(0).toType(DataType.INT32, false);
    }

    @Test
    void parametersAreNamedAsTorchMultiheadAttention() {
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(StateDict.of(selfAttention(false)).keySet()));
        assertEquals(torchWeights().keySet(), StateDict.of(selfAttention(false)).keySet());
    }

    @Test
    void crossAttentionMatchesTorchWithPadding() throws Exception {
        AttentionOutput out = crossAttention().attend(
                ps, AttentionInput.of(fixture.get("query"), fixture.get("key_value"), realTokens()), false);
        assertClose(fixture.get("cross.output"), out.output(), "cross.output");
        assertClose(fixture.get("cross.weights"), out.weights(), "cross.weights");
    }

    @Test
    void selfAttentionMatchesTorchUnderTheCausalMask() throws Exception {
        SelfAttention block = selfAttention(true);
        StateDict.load(block, torchWeights(), "mha.safetensors");
        NDArray query = fixture.get("query");
        // The Block boundary carries the same thing as the typed call.
        NDList out = forward(block, manager, AttentionInput.selfAttention(query, null).withCausalMask().toNDList());
        assertClose(fixture.get("self_causal.output"), out.get(0), "self_causal.output");
        assertClose(fixture.get("self_causal.weights"), out.get(1), "self_causal.weights");
        // Our causal visibility is the complement of torch's causal_mask (1 = hidden).
        NDArray hidden = fixture.get("causal_mask").neq(0).reshape(1, 1, 3, 3);
        assertEquals(hidden.logicalNot(), ScaledDotProductAttention.causalVisibility(manager, 3));
    }

    @Test
    void paddedKeysChangeNothing() throws Exception {
        CrossAttention block = crossAttention();
        NDArray query = fixture.get("query");
        NDArray keyValue = fixture.get("key_value");
        NDArray mask = realTokens();
        long real = mask.get(1).sum().getLong();
        AttentionOutput padded = block.attend(ps, AttentionInput.of(query, keyValue, mask), false);
        // The last row without its padding, and again with different values in the padded slots.
        AttentionOutput trimmed = block.attend(
                ps, AttentionInput.of(query.get("1:2"), keyValue.get("1:2, 0:" + real), null), false);
        assertClose(trimmed.output(), padded.output().get("1:2"), "output without padding");
        NDArray noisy = keyValue.duplicate();
        noisy.set(new NDIndex("1, " + real + ":"), 7f);
        assertClose(padded.output(), block.attend(ps, AttentionInput.of(query, noisy, mask), false).output(),
                "output with other padding values");
        assertEquals(0f, padded.weights().get("1, :, :, " + real + ":").abs().sum().getFloat());
    }

    @Test
    void selfAttentionPaddingChangesNothingAtRealPositions() {
        SelfAttention block = selfAttention(false);
        NDArray x = manager.randomNormal(new Shape(1, 5, EMBED));
        NDArray mask = manager.create(new int[] {1, 1, 1, 0, 0}).reshape(1, 5);
        NDArray padded = block.attend(ps, AttentionInput.selfAttention(x, mask), false).output();
        NDArray trimmed = block.attend(ps, AttentionInput.selfAttention(x.get(":, 0:3"), null), false).output();
        assertClose(trimmed, padded.get(":, 0:3"), "real positions");
    }

    @Test
    void theCausalMaskHidesTheFuture() {
        SelfAttention block = selfAttention(false);
        int length = 5;
        int t = 2;
        NDArray x = manager.randomNormal(new Shape(2, length, EMBED));
        NDArray changed = x.duplicate();
        changed.set(new NDIndex(":, " + (t + 1) + ":"), manager.randomNormal(
                new Shape(2, length - t - 1, EMBED)));
        NDArray a = block.attend(ps, AttentionInput.selfAttention(x, null).withCausalMask(), false).output();
        NDArray b = block.attend(ps, AttentionInput.selfAttention(changed, null).withCausalMask(), false).output();
        assertClose(a.get(":, 0:" + (t + 1)), b.get(":, 0:" + (t + 1)), "outputs up to t");
    }

    @Test
    void weightRowsSumToOne() throws Exception {
        AttentionOutput out = crossAttention().attend(
                ps, AttentionInput.of(fixture.get("query"), fixture.get("key_value"), realTokens()), false);
        assertClose(manager.ones(new Shape(2, HEADS, 3)), out.weights().sum(new int[] {-1}), "row sums");
    }

    @Test
    void aBatchOfNEqualsNBatchesOfOne() throws Exception {
        CrossAttention block = crossAttention();
        NDArray query = fixture.get("query");
        NDArray keyValue = fixture.get("key_value");
        NDArray mask = realTokens();
        AttentionOutput batch = block.attend(ps, AttentionInput.of(query, keyValue, mask), false);
        for (int i = 0; i < 2; i++) {
            String row = i + ":" + (i + 1);
            AttentionOutput one = block.attend(
                    ps, AttentionInput.of(query.get(row), keyValue.get(row), mask.get(row)), false);
            assertClose(batch.output().get(row), one.output(), "row " + i);
            assertClose(batch.weights().get(row), one.weights(), "weights of row " + i);
        }
    }

    @Test
    void stepByStepSelfAttentionEqualsTheCausalWhole() {
        SelfAttention block = selfAttention(false);
        NDArray x = manager.randomNormal(new Shape(2, 4, EMBED));
        NDArray whole = block.attend(ps, AttentionInput.selfAttention(x, null).withCausalMask(), false).output();
        KeyValue cache = null;
        for (int t = 0; t < 4; t++) {
            SelfAttention.Step step = block.step(
                    ps, AttentionInput.selfAttention(x.get(":, " + t + ":" + (t + 1)), null).withCausalMask(),
                    cache, false);
            cache = step.cache();
            assertClose(whole.get(":, " + t + ":" + (t + 1)), step.output().output(), "step " + t);
        }
    }

    @Test
    void buildRejectsHeadsThatDoNotDivideTheEmbedding() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SelfAttention.builder().setEmbedDim(EMBED).setHeads(3).build());
        assertEquals(true, e.getMessage().contains("not divisible"), e.getMessage());
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        CrossAttention block = crossAttention();
        CrossAttention fresh = CrossAttention.builder().setEmbedDim(EMBED).setHeads(HEADS).build();
        NDList input = AttentionInput.of(fixture.get("query"), fixture.get("key_value"), realTokens()).toNDList();
        assertSaveLoadRoundTrip(block, fresh, manager, b -> forward(b, manager, input).get(0));
    }
}
