package dev.nlptoolkit.models.attention;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static dev.nlptoolkit.models.attention.Blocks.readFixture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link AdditiveAttention} against the Bahdanau attention written in torch (fixtures/additive, see its
 * meta.json): query 6, keys 5, units 7, batch 2 of key lengths [4, 2], three queries each.
 */
class AdditiveAttentionParityTest {

    private static final String FILE = "additive/additive.safetensors";
    private static final String WEIGHTS_PREFIX = "weights.";
    private static final int UNITS = 7;

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static AdditiveAttention attention;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fixture = readFixture(FILE, manager);
        attention = loaded();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static AdditiveAttention loaded() throws Exception {
        AdditiveAttention block = AdditiveAttention.builder().setUnits(UNITS).build();
        block.initialize(manager, DataType.FLOAT32, fixture.get("query").getShape(), fixture.get("keys").getShape());
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(WEIGHTS_PREFIX)) {
                weights.put(key.substring(WEIGHTS_PREFIX.length()), value);
            }
        });
        StateDict.load(block, weights, FILE);
        return block;
    }

    /** torch's key_padding_mask is 1 for padding; ours is nonzero for real tokens. */
    private static NDArray realKeys() {
        return fixture.get("key_padding_mask").eq(0).toType(DataType.INT32, false);
    }

    @Test
    void queriesOverPaddedKeysMatchTorch() {
        AttentionOutput out = attention.attend(new ParameterStore(manager, false),
                AttentionInput.of(fixture.get("query"), fixture.get("keys"), realKeys()), false);
        assertClose(fixture.get("context"), out.output(), "context");
        assertClose(fixture.get("weights"), out.weights(), "weights");
    }

    @Test
    void aSingleQueryMatchesTorchsFirstQuery() {
        AttentionOutput out = attention.attend(new ParameterStore(manager, false),
                AttentionInput.of(fixture.get("query").get(":, 0"), fixture.get("keys"), realKeys()), false);
        assertClose(fixture.get("context").get(":, 0"), out.output(), "context of query 0");
        assertClose(fixture.get("weights").get(":, 0"), out.weights(), "weights of query 0");
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        NDList input = AttentionInput.of(fixture.get("query"), fixture.get("keys"), realKeys()).toNDList();
        assertSaveLoadRoundTrip(attention, AdditiveAttention.builder().setUnits(UNITS).build(), manager,
                b -> forward(b, manager, input).get(0));
    }
}
