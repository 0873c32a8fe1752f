package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.device.DeviceChoice;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** --class-weights: scikit-learn's balanced rule, JSON files, and training with weights for every kind. */
class ClassWeightsTest {

    private static final double EXACT = 1e-12;
    /** 3 a, 1 b, 2 c (LabelMap ids in sorted order: a 0, b 1, c 2). */
    private static final LabelMap LABELS = new LabelMap(List.of("a", "b", "c"));
    private static final int[] TARGETS = {0, 0, 2, 1, 0, 2};
    private static final Map<String, String> SENTIMENT = Map.of("0", "negative", "1", "positive");

    @TempDir Path tmp;

    @BeforeAll
    static void oneThread() {
        Fixtures.singleThreaded();
    }

    @Test
    void balancedIsScikitLearnsRule() {
        // n / (k * count): 6 / (3 * 3), 6 / (3 * 1), 6 / (3 * 2); sklearn's compute_class_weight gives the same
        assertArrayEquals(new double[] {2.0 / 3, 2.0, 1.0}, ClassWeights.BALANCED.resolve(LABELS, TARGETS), EXACT);
        assertArrayEquals(new double[] {1, 1, 1}, ClassWeights.NONE.resolve(LABELS, TARGETS), EXACT);
    }

    @Test
    void parsesKeywordsInAnyCaseAndFiles() throws Exception {
        assertSame(ClassWeights.BALANCED, ClassWeights.parse("Balanced"));
        assertSame(ClassWeights.NONE, ClassWeights.parse(" none "));
        Path file = Files.writeString(tmp.resolve("w.json"), "{\"c\": 4.5, \"a\": 0.25}");
        // labels the file leaves out weigh 1
        assertArrayEquals(new double[] {0.25, 1, 4.5}, ClassWeights.parse(file.toString()).resolve(LABELS, TARGETS),
                EXACT);
        UserInputException missing = assertThrows(UserInputException.class,
                () -> ClassWeights.parse(tmp.resolve("nope.json").toString()));
        assertTrue(missing.getMessage().contains("balanced, none or a JSON file"), missing.getMessage());
    }

    @Test
    void badFilesNameTheFileAndTheLabel() throws Exception {
        Map<String, String> cases = Map.of(
                "{\"d\": 2}", "label 'd' is not in the training data",
                "{\"a\": -1}", "the weight of 'a' is -1",
                "{\"a\": \"x\"}", "the weight of 'a'",
                "[1, 2]", "JSON object from label to weight",
                "{\"a\": ", "is not JSON");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path file = Files.writeString(tmp.resolve("bad.json"), c.getKey());
            UserInputException e = assertThrows(UserInputException.class,
                    () -> ClassWeights.fromFile(file).resolve(LABELS, TARGETS), c.getKey());
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(c.getValue()),
                    c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void fineTuningBertWithBalancedWeightsRecordsThem() throws Exception {
        List<Example> slice = Dataset.read(Fixtures.sst2("train.tsv"), DatasetColumns.DEFAULT.withText("sentence"))
                .examples().subList(0, 12).stream()
                .map(e -> Example.of(e.text(), SENTIMENT.get(e.label())))
                .toList();
        Path out = tmp.resolve("bert");
        TrainedClassifier result = TextClassifierTrainer.builder()
                .model(ModelKind.BERT).init(Fixtures.tinyBert())
                .train(Dataset.of(slice)).outputDir(out).classWeights(ClassWeights.BALANCED)
                .batchSize(4).maxSteps(2).device(DeviceChoice.CPU).progress(false)
                .build().fit();
        assertEquals(2, result.training().steps());
        long negatives = slice.stream().filter(e -> e.label().equals("negative")).count();
        JsonObject weights = JsonParser
                .parseString(Files.readString(out.resolve(TextClassifierTrainer.PROVENANCE_FILE)))
                .getAsJsonObject().getAsJsonObject("class_weights");
        assertEquals("balanced", weights.get("mode").getAsString());
        assertEquals(slice.size() / (2.0 * negatives),
                weights.getAsJsonObject("weights").get("negative").getAsDouble(), EXACT);
    }

    @Test
    void classWeightsAndAdversarialTrainingAreRefusedTogether() {
        UserInputException e = assertThrows(UserInputException.class, () -> TextClassifierTrainer.builder()
                .model(ModelKind.CNN).train(Dataset.of(List.of(Example.of("a", "x"), Example.of("b", "y"))))
                .outputDir(tmp).classWeights(ClassWeights.BALANCED).adversarial(1, 1).build());
        assertTrue(e.getMessage().contains("--class-weights"), e.getMessage());
    }
}
