package dev.nlptoolkit.models.classifier;

import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static dev.nlptoolkit.models.attention.Blocks.readFixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link CnnClassifier} against the Kim CNN written with {@code torch.nn.Conv1d} (fixtures/cnn, see its
 * meta.json): V 11, E 7, widths 3, 4, 5 with 5 maps each, 3 classes, rows of 7, 4 and 2 tokens (longer
 * than, between and shorter than the filters) with garbage ids and a non-zero embedding at padding;
 * narrow windows in cnn.safetensors, wide ones (the same weights and inputs) in cnn-wide.safetensors.
 */
class CnnClassifierParityTest {

    private static final String FILE = "cnn/cnn.safetensors";
    private static final String WIDE_FILE = "cnn/cnn-wide.safetensors";
    private static final String WEIGHTS_PREFIX = "weights.";
    private static final float TOLERANCE = 1e-5f;
    private static final CnnClassifier.Config CONFIG = new CnnClassifier.Config(
            11, 7, 1f, List.of(3, 4, 5), 5, 0.5f, 3, 0, CnnClassifier.Convolution.NARROW);
    private static final CnnClassifier.Config WIDE_CONFIG = new CnnClassifier.Config(
            11, 7, 1f, List.of(3, 4, 5), 5, 0.5f, 3, 0, CnnClassifier.Convolution.WIDE);

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static Map<String, NDArray> wideFixture;
    private static CnnClassifier model;
    private static CnnClassifier wideModel;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fixture = readFixture(FILE, manager);
        wideFixture = readFixture(WIDE_FILE, manager);
        model = loaded(CnnClassifier.builder().setConfig(CONFIG).build());
        wideModel = loaded(CnnClassifier.builder().setConfig(WIDE_CONFIG).build());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static CnnClassifier loaded(CnnClassifier block) throws Exception {
        TextClassifiers.initialize(block, manager);
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(WEIGHTS_PREFIX)) {
                weights.put(key.substring(WEIGHTS_PREFIX.length()), value);
            }
        });
        StateDict.load(block, weights, FILE);
        return block;
    }

    private static ClassifierInput input() {
        return ClassifierInput.of(fixture.get("ids"), fixture.get("mask"));
    }

    /** The largest absolute difference, after checking shapes; printed so the report can quote it. */
    private static float maxDifference(Map<String, NDArray> expectations, String name, NDArray actual) {
        NDArray expected = expectations.get(name);
        assertEquals(expected.getShape(), actual.getShape(), name + ": shape");
        float diff = expected.toType(DataType.FLOAT32, false).sub(actual).abs().max().getFloat();
        System.out.println("CnnClassifier parity " + name + ": max abs difference " + diff);
        return diff;
    }

    private static void assertMatches(Map<String, NDArray> expectations, CnnClassifier block) {
        ClassifierOutput out = block.classify(new ParameterStore(manager, false), input(), false);
        for (Map.Entry<String, NDArray> e : Map.of("logits", out.logits(), "representation", out.representation(),
                "token_weights", out.tokenWeights()).entrySet()) {
            float diff = maxDifference(expectations, e.getKey(), e.getValue());
            assertTrue(diff <= TOLERANCE, e.getKey() + ": max abs difference " + diff + " > " + TOLERANCE);
        }
    }

    @Test
    void logitsPooledFeaturesAndWindowSharesMatchTorch() {
        assertMatches(fixture, model);
    }

    @Test
    void wideWindowsMatchTorchConv1dWithPadding() {
        assertMatches(wideFixture, wideModel);
        // the same weights read different windows: the two forms must not agree by accident
        float apart = wideFixture.get("logits").sub(fixture.get("logits")).abs().max().getFloat();
        assertTrue(apart > 1e-3f, "wide and narrow logits differ by only " + apart);
    }

    @Test
    void aConfigSavedWithoutTheKeyReadsNarrowAndANewOneWide() {
        JsonObject json = CONFIG.toJson();
        assertEquals("narrow", json.get("convolution").getAsString());
        json.remove("convolution");
        assertEquals(CnnClassifier.Convolution.NARROW, CnnClassifier.Config.fromJson(json).convolution());
        assertEquals(CnnClassifier.Convolution.WIDE, CnnClassifier.Config.of(11, 3).convolution());
        assertEquals(WIDE_CONFIG, CnnClassifier.Config.fromJson(WIDE_CONFIG.toJson()));
    }

    @Test
    void theWindowSharesOfTheShortestRowFallOnItsTwoTokens() {
        for (CnnClassifier block : List.of(model, wideModel)) {
            float[] shares = block.classify(new ParameterStore(manager, false), input(), false).tokenWeights()
                    .get(2).toFloatArray();
            assertEquals(1f, shares[0] + shares[1], 1e-6f);
            for (int t = 2; t < shares.length; t++) {
                assertEquals(0f, shares[t], "padding position " + t);
            }
        }
    }

    @Test
    void trainingModeGivesNoTokenWeightsAndDropsFeatures() {
        ClassifierOutput out = model.classify(new ParameterStore(manager, false), input(), true);
        assertEquals(null, out.tokenWeights());
        float change = out.logits().sub(fixture.get("logits")).abs().max().getFloat();
        assertTrue(change > TOLERANCE, "dropout 0.5 changed nothing while training");
    }

    @Test
    void badWidthsSayHowToFixThem() {
        IllegalArgumentException repeated = assertThrows(IllegalArgumentException.class,
                () -> new CnnClassifier.Config(11, 7, 1f, List.of(3, 3), 5, 0.5f, 3, 0, CnnClassifier.Convolution.WIDE));
        assertTrue(repeated.getMessage().contains("distinct positive widths"), repeated.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new CnnClassifier.Config(11, 7, 1f, List.of(), 5, 0.5f, 3, 0, CnnClassifier.Convolution.WIDE));
        assertThrows(IllegalArgumentException.class,
                () -> new CnnClassifier.Config(11, 7, 1f, List.of(0), 5, 0.5f, 3, 0, CnnClassifier.Convolution.WIDE));
        assertThrows(IllegalArgumentException.class,
                () -> new CnnClassifier.Config(11, 7, 0f, List.of(3), 5, 0.5f, 3, 0, CnnClassifier.Convolution.WIDE));
        assertThrows(IllegalArgumentException.class,
                () -> new CnnClassifier.Config(11, 7, 1f, List.of(3), 5, 0.5f, 3, 0, null));
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        assertSaveLoadRoundTrip(model, CnnClassifier.builder().setConfig(CONFIG).build(), manager,
                b -> forward(b, manager, input().toNDList()).get(0));
        assertSaveLoadRoundTrip(wideModel, CnnClassifier.builder().setConfig(WIDE_CONFIG).build(), manager,
                b -> forward(b, manager, input().toNDList()).get(0));
    }
}
