package dev.nlptoolkit.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.nlptoolkit.core.checkpoint.CheckpointException;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class BertConfigTest {

    private static final Path SOURCE = Path.of("config.json");
    private static final float ACTIVATION_TOLERANCE = 1e-6f;

    private static JsonObject fixtureJson() throws Exception {
        return JsonParser.parseString(Files.readString(BertParityTest.fixtureDir().resolve("config.json")))
                .getAsJsonObject();
    }

    @Test
    void readsTheFixtureIntoTypedFieldsWithTransformersDefaults() throws Exception {
        BertConfig c = BertConfig.read(BertParityTest.fixtureDir().resolve("config.json"));
        assertEquals(30522, c.vocabSize());
        assertEquals(32, c.hiddenSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numAttentionHeads());
        assertEquals(8, c.headSize());
        assertEquals(64, c.intermediateSize());
        assertEquals(BertActivation.GELU, c.hiddenAct());
        assertEquals(0.1, c.hiddenDropoutProb());
        assertEquals(0.1, c.attentionProbsDropoutProb());
        assertEquals(64, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(0, c.padTokenId());
        assertEquals(0.02, c.initializerRange());
        // no id2label in the file: transformers' default of two labels
        assertEquals(List.of("LABEL_0", "LABEL_1"), c.labels());
        assertNull(c.classifierDropout());
        assertEquals(0.1, c.effectiveClassifierDropout());
        assertNull(c.problemType());
        assertEquals(List.of(), c.unknownKeys());
    }

    @Test
    void reportsUnknownKeysInsteadOfDroppingThem() throws Exception {
        JsonObject o = fixtureJson();
        o.addProperty("my_custom_flag", true);
        assertEquals(List.of("my_custom_flag"), BertConfig.parse(o.toString(), SOURCE).unknownKeys());
    }

    @Test
    void anUnknownActivationIsAClearError() throws Exception {
        JsonObject o = fixtureJson();
        o.addProperty("hidden_act", "swish");
        CheckpointException e = assertThrows(CheckpointException.class, () -> BertConfig.parse(o.toString(), SOURCE));
        assertTrue(e.getMessage().contains("swish") && e.getMessage().contains("gelu_new"), e.getMessage());
    }

    @Test
    void labelsAreOrderedByIdAndCheckedAgainstLabel2IdAndNumLabels() throws Exception {
        JsonObject o = fixtureJson();
        JsonObject id2label = new JsonObject();
        id2label.addProperty("2", "pos");
        id2label.addProperty("0", "neg");
        id2label.addProperty("1", "neutral");
        o.add("id2label", id2label);
        assertEquals(List.of("neg", "neutral", "pos"), BertConfig.parse(o.toString(), SOURCE).labels());

        JsonObject label2id = new JsonObject();
        label2id.addProperty("neg", 1);
        o.add("label2id", label2id);
        assertThrows(CheckpointException.class, () -> BertConfig.parse(o.toString(), SOURCE));

        o.remove("label2id");
        o.addProperty("num_labels", 2);
        assertThrows(CheckpointException.class, () -> BertConfig.parse(o.toString(), SOURCE));
    }

    @Test
    void rejectsAHiddenSizeThatHeadsDoNotDivide() throws Exception {
        JsonObject o = fixtureJson();
        o.addProperty("num_attention_heads", 5);
        CheckpointException e = assertThrows(CheckpointException.class, () -> BertConfig.parse(o.toString(), SOURCE));
        assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
    }

    @Test
    void toJsonIsATransformersConfigThatParsesBackToTheSameRecord() throws Exception {
        JsonObject o = fixtureJson();
        o.addProperty("hidden_act", "gelu_new");
        o.addProperty("classifier_dropout", 0.3);
        o.addProperty("problem_type", "single_label_classification");
        BertConfig c = BertConfig.parse(o.toString(), SOURCE).withLabels(List.of("neg", "neutral", "pos"));
        String json = c.toJson();
        assertEquals(c, BertConfig.parse(json, SOURCE));

        JsonObject written = JsonParser.parseString(json).getAsJsonObject();
        assertEquals("bert", written.get("model_type").getAsString());
        assertEquals("BertForSequenceClassification", written.getAsJsonArray("architectures").get(0).getAsString());
        assertEquals("pos", written.getAsJsonObject("id2label").get("2").getAsString());
        assertEquals(2, written.getAsJsonObject("label2id").get("pos").getAsInt());
        assertEquals("BertModel", JsonParser.parseString(c.toJson(BertConfig.Architecture.BERT_MODEL))
                .getAsJsonObject().getAsJsonArray("architectures").get(0).getAsString());
    }

    @Test
    void activationsMatchTheirDefinitions() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {-2f, -0.5f, 0f, 1f, 3f});
            // x * Phi(x), Phi the standard normal CDF (computed with Python math.erf)
            float[] gelu = {-0.04550026f, -0.15426877f, 0f, 0.84134475f, 2.99595031f};
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            float[] geluNew = {-0.04540231f, -0.15428599f, 0f, 0.84119199f, 2.99636261f};
            assertArrayEquals(gelu, BertActivation.GELU.apply(x).toFloatArray(), ACTIVATION_TOLERANCE);
            assertArrayEquals(geluNew, BertActivation.GELU_NEW.apply(x).toFloatArray(), ACTIVATION_TOLERANCE);
            assertArrayEquals(new float[] {0f, 0f, 0f, 1f, 3f}, BertActivation.RELU.apply(x).toFloatArray());
        }
    }
}
