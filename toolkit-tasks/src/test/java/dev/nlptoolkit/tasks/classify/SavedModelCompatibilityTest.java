package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.models.classifier.CnnClassifier;
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

/**
 * Model directories that earlier versions saved still load and predict as they did: version 0.1's
 * (test-fixtures/saved-v0.1) and a {@code cnn} from before its {@code convolution} key
 * (test-fixtures/saved-cnn-narrow).
 */
class SavedModelCompatibilityTest {

    private static Path saved;
    private static Path savedCnn;

    @BeforeAll
    static void locate() throws URISyntaxException {
        Fixtures.singleThreaded();
        saved = Paths.get(SavedModelCompatibilityTest.class.getResource("/fixtures/saved-v0.1").toURI());
        savedCnn = Paths.get(SavedModelCompatibilityTest.class.getResource("/fixtures/saved-cnn-narrow").toURI());
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
        assertPredictsAsBefore(saved.resolve("lstm"), saved.resolve("lstm-predictions.jsonl"));
    }

    @Test
    void aCnnSavedBeforeWideWindowsReadsNarrowOnesAndPredictsAsBefore() throws Exception {
        JsonObject model = JsonParser.parseString(Files.readString(savedCnn.resolve("cnn/config.json")))
                .getAsJsonObject().getAsJsonObject("model");
        CnnClassifier.Config config = (CnnClassifier.Config) TextClassifiers.readConfig(model);
        assertEquals(CnnClassifier.Convolution.NARROW, config.convolution());
        assertPredictsAsBefore(savedCnn.resolve("cnn"), savedCnn.resolve("cnn-predictions.jsonl"));
    }

    /** What the model in {@code directory} predicts for saved-v0.1's three inputs equals {@code expectedFile}. */
    private static void assertPredictsAsBefore(Path directory, Path expectedFile) throws Exception {
        List<String> inputs = Files.readAllLines(saved.resolve("lstm-predictions-input.jsonl"), StandardCharsets.UTF_8);
        List<String> expected = Files.readAllLines(expectedFile, StandardCharsets.UTF_8);
        try (ClassifierModel model = ClassifierModel.load(directory, DeviceChoice.CPU)) {
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
