package dev.nlptoolkit.models.classifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** JSON round trips, defaults and the messages of bad configs. */
class ClassifierConfigTest {

    private static final float SOME_DROPOUT = 0.25f;

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void jsonRoundTripGivesTheSameConfig(ModelType type) {
        ClassifierConfig config = TextClassifierTest.config(type, SOME_DROPOUT);
        JsonObject json = config.toJson();
        assertEquals(type.configName(), json.get(ClassifierConfig.MODEL_TYPE).getAsString());
        // through text as well, as a config file would be
        JsonObject reread = JsonParser.parseString(json.toString()).getAsJsonObject();
        assertEquals(config, TextClassifiers.readConfig(reread));
        Class<?> expected = switch (type) {
            case RNN, LSTM -> RecurrentClassifier.class;
            case BILSTM_ATTENTION -> BiLstmAttentionClassifier.class;
            case RCNN -> RcnnClassifier.class;
            case CNN -> CnnClassifier.class;
            case TRANSFORMER -> TransformerClassifier.class;
        };
        assertInstanceOf(expected, TextClassifiers.create(reread));
    }

    @Test
    void omittedKeysTakeTheDocumentedDefaults() {
        JsonObject json = JsonParser.parseString(
                "{\"model_type\": \"transformer\", \"vocab_size\": 100, \"num_classes\": 2}").getAsJsonObject();
        TransformerClassifier.Config config = (TransformerClassifier.Config) TextClassifiers.readConfig(json);
        assertEquals(TransformerClassifier.Config.of(100, 2), config);
        assertEquals(NormPlacement.PRE, config.normPlacement());
        assertEquals(Activation.RELU, config.activation());

        JsonObject lstm = JsonParser.parseString(
                "{\"model_type\": \"LSTM\", \"vocab_size\": 50, \"num_classes\": 3}").getAsJsonObject();
        assertEquals(RecurrentClassifier.Config.of(RecurrentClassifier.Cell.LSTM, 50, 3), TextClassifiers.readConfig(lstm));
        JsonObject attention = JsonParser.parseString(
                "{\"model_type\": \"bilstm-attention\", \"vocab_size\": 50, \"num_classes\": 3}").getAsJsonObject();
        assertEquals(BiLstmAttentionClassifier.Config.of(50, 3), TextClassifiers.readConfig(attention));
        assertInstanceOf(BiLstmAttentionClassifier.class, TextClassifiers.create(attention));
    }

    @Test
    void badConfigsSayHowToFixThem() {
        assertMessage("{\"vocab_size\": 10, \"num_classes\": 2}", "model_type");
        assertMessage("{\"model_type\": \"gru\", \"vocab_size\": 10, \"num_classes\": 2}", "[rnn, lstm, bilstm-attention, rcnn, cnn, transformer]");
        assertMessage("{\"model_type\": \"rnn\", \"num_classes\": 2}", "vocab_size");
        assertMessage("{\"model_type\": \"rnn\", \"vocab_size\": 10, \"num_classes\": 2, \"hiden_size\": 4}",
                "unknown keys [hiden_size]");
        assertMessage("{\"model_type\": \"rnn\", \"vocab_size\": 10, \"num_classes\": 1}", "at least 2");
        assertMessage("{\"model_type\": \"lstm\", \"vocab_size\": 10, \"num_classes\": 2, \"pad_id\": 10}", "pad_id");
        assertMessage("{\"model_type\": \"lstm\", \"vocab_size\": 10, \"num_classes\": 2, \"dropout\": 1.0}", "[0, 1)");
        assertMessage("{\"model_type\": \"transformer\", \"vocab_size\": 10, \"num_classes\": 2,"
                + " \"embedding_size\": 10, \"num_heads\": 4}", "divides");
        assertMessage("{\"model_type\": \"transformer\", \"vocab_size\": 10, \"num_classes\": 2,"
                + " \"norm_placement\": \"middle\"}", "[post, pre]");
        assertMessage("{\"model_type\": \"lstm\", \"vocab_size\": 10, \"num_classes\": 2, \"bidirectional\": 1}",
                "true or false");
        JsonObject attention = BiLstmAttentionClassifier.Config.of(10, 2).toJson();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecurrentClassifier.Config.fromJson(attention));
        assertTrue(e.getMessage().contains("TextClassifiers.readConfig"), e.getMessage());
    }

    private static void assertMessage(String json, String expected) {
        JsonObject config = JsonParser.parseString(json).getAsJsonObject();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextClassifiers.create(config));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should mention '" + expected + "'");
    }
}
