package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.models.classifier.TextClassifiers;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Model directories that version 0.1 saved still load and predict as they did (test-fixtures/saved-v0.1). */
class SavedModelCompatibilityTest {

    private static Path saved;

    @BeforeAll
    static void locate() throws URISyntaxException {
        Fixtures.singleThreaded();
        saved = Paths.get(SavedModelCompatibilityTest.class.getResource("/fixtures/saved-v0.1").toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lstm/config.json", "bilstm-attention-config.json", "rnn-config.json", "rcnn-config.json",
        "transformer-config.json"})
    void everyConfigReadsBackAndWritesTheSameJson(String file) throws IOException {
        JsonObject model = JsonParser.parseString(Files.readString(saved.resolve(file))).getAsJsonObject()
                .getAsJsonObject("model");
        assertEquals(model.toString(), TextClassifiers.readConfig(model).toJson().toString(),
                "same keys, order and values");
    }

    @Test
    void theSavedLstmPredictsWhatVersion01Predicted() throws Exception {
        List<String> inputs = Files.readAllLines(saved.resolve("lstm-predictions-input.jsonl"), StandardCharsets.UTF_8);
        List<String> expected = Files.readAllLines(saved.resolve("lstm-predictions.jsonl"), StandardCharsets.UTF_8);
        try (ClassifierModel model = ClassifierModel.load(saved.resolve("lstm"), DeviceChoice.CPU)) {
            List<TextInput> texts = inputs.stream()
                    .map(line -> TextInput.of(JsonParser.parseString(line).getAsJsonObject().get("text").getAsString()))
                    .toList();
            List<Prediction> predictions = model.predict(texts);
            for (int i = 0; i < texts.size(); i++) {
                JsonObject then = JsonParser.parseString(expected.get(i)).getAsJsonObject();
                Prediction now = predictions.get(i);
                assertEquals(then.get("label").getAsString(), now.label(), "label of input " + i);
                for (String label : model.labels()) {
                    assertEquals(then.getAsJsonObject("probabilities").get(label).getAsDouble(),
                            now.probabilities().get(label), 1e-6, "p(" + label + ") of input " + i);
                }
            }
        }
    }
}
