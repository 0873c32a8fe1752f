package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.tokenize.TokenBatch;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.bert.BertCheckpoint;
import dev.nlptoolkit.models.bert.BertForSequenceClassification;
import dev.nlptoolkit.models.bert.BertInput;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Fine-tuning and prediction with a Hugging Face BERT checkpoint (the tiny-bert fixture). */
class BertClassifierTest {

    private static final double TOLERANCE = 1e-5;
    /** The tiny checkpoint has 2 layers. */
    private static final String LAST_ATTENTIONS = "attentions.1";
    private static final int SENTENCES = 8;
    private static final int STEPS = 2;
    /** Below the tiny checkpoint's 64 positions and below most SST-2 sentences, so truncation shows. */
    private static final int TRAINED_MAX_LENGTH = 12;
    private static final Map<String, String> SENTIMENT = Map.of("0", "negative", "1", "positive");

    @TempDir Path tmp;

    @BeforeAll
    static void oneThread() {
        Fixtures.singleThreaded();
    }

    /** The fixture's four inputs (the third a pair) as {@code meta.json} lists them. */
    private static final List<TextInput> FIXTURE_INPUTS = List.of(
            TextInput.of("The movie was a total waste of time."),
            TextInput.of("An UNEXPECTEDLY moving, beautifully acted film \u2014 caf\u00e9 scenes included!"),
            new TextInput("Is this sentence a question?", "Yes, it is one."),
            TextInput.of("ok"));

    @Test
    void predictsWithTheUnmodifiedHuggingFaceCheckpoint() throws Exception {
        float[] expected;
        // (B, T): the last layer's attention from [CLS], averaged over the heads
        float[][] fromFirst;
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> fixture = SafeTensors.read(Fixtures.tinyBert().resolve("expected.safetensors"), manager);
            expected = fixture.get("logits").toFloatArray();
            NDArray attention = fixture.get(LAST_ATTENTIONS).get(new NDIndex(":, :, 0, :")).mean(new int[] {1});
            fromFirst = new float[FIXTURE_INPUTS.size()][];
            for (int i = 0; i < fromFirst.length; i++) {
                fromFirst[i] = attention.get(i).toFloatArray();
            }
        }
        try (ClassifierModel model = ClassifierModel.load(Fixtures.tinyBert(), DeviceChoice.CPU)) {
            assertEquals(ModelKind.BERT, model.kind());
            assertEquals(List.of("LABEL_0", "LABEL_1"), model.labels());
            // Batch size 3 splits the inputs unevenly and pads them differently from the fixture's batch.
            List<Prediction> predictions = model.predict(FIXTURE_INPUTS, 3, ClassifierModel.DEFAULT_EXPLAIN_TOP_K);
            for (int i = 0; i < FIXTURE_INPUTS.size(); i++) {
                Prediction p = predictions.get(i);
                float[] want = Arrays.copyOfRange(expected, 2 * i, 2 * i + 2);
                assertArrayEquals(want, p.logits(), (float) TOLERANCE, "input " + i);
                assertEquals(want[0] > want[1] ? "LABEL_0" : "LABEL_1", p.label());
                assertEquals(1.0, p.probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
                assertExplainsWithAttentionFromFirstToken(p.explanation(), fromFirst[i], "input " + i);
            }
        }
    }

    @Test
    void attentionMapsAreTransformersLastLayerForEveryHead() throws Exception {
        NDArray last;
        try (NDManager manager = NDManager.newBaseManager();
                ClassifierModel model = ClassifierModel.load(Fixtures.tinyBert(), DeviceChoice.CPU)) {
            // (B, N, T, T) as transformers gave it for the fixture's batch
            last = SafeTensors.read(Fixtures.tinyBert().resolve("expected.safetensors"), manager).get(LAST_ATTENTIONS);
            float[] all = last.toFloatArray();
            long[] shape = last.getShape().getShape();
            int heads = (int) shape[1];
            int width = (int) shape[2];
            List<AttentionMap> maps = model.attention(FIXTURE_INPUTS);
            List<Prediction> predictions = model.predict(FIXTURE_INPUTS, 3, ClassifierModel.DEFAULT_EXPLAIN_TOP_K);
            for (int i : new int[] {0, 1, 3}) {
                AttentionMap map = maps.get(i);
                int t = map.tokens().size();
                assertEquals("[CLS]", map.tokens().get(0));
                assertEquals("[SEP]", map.tokens().get(t - 1));
                assertTrue(map.special()[0] && map.special()[t - 1] && !map.special()[1], "input " + i);
                assertEquals(heads, map.heads());
                for (int h = 0; h < heads; h++) {
                    for (int q = 0; q < t; q++) {
                        for (int k = 0; k < t; k++) {
                            float want = all[((i * heads + h) * width + q) * width + k];
                            assertEquals(want, map.selfAttention()[h][q][k], TOLERANCE,
                                    "input " + i + " head " + h + " query " + q + " key " + k);
                        }
                    }
                }
                assertArrayEquals(predictions.get(i).logits(), map.prediction().logits(), (float) TOLERANCE);
                for (TokenWeight w : map.prediction().explanation()) {
                    assertEquals(w.weight(), map.tokenWeights()[w.position()], 1e-7, "input " + i);
                }
            }
        }
    }

    @Test
    void theAttackLowersTheTrueLabelsProbabilityAndATinyOneChangesNothing() throws Exception {
        try (ClassifierModel model = ClassifierModel.load(Fixtures.tinyBert(), DeviceChoice.CPU)) {
            List<TextInput> inputs = List.of(FIXTURE_INPUTS.get(0), FIXTURE_INPUTS.get(1), FIXTURE_INPUTS.get(3));
            List<AttentionMap> clean = model.attention(inputs);
            List<String> labels = clean.stream().map(m -> m.prediction().label()).toList();
            List<AttentionMap> unmoved = model.attentionUnderAttack(inputs, labels, 1e-6f);
            List<AttentionMap> attacked = model.attentionUnderAttack(inputs, labels, 2f);
            for (int i = 0; i < inputs.size(); i++) {
                assertArrayEquals(clean.get(i).prediction().logits(), unmoved.get(i).prediction().logits(), 1e-4f);
                assertArrayEquals(clean.get(i).selfAttention()[0][0], unmoved.get(i).selfAttention()[0][0], 1e-4f);
                double before = clean.get(i).prediction().probabilities().get(labels.get(i));
                double after = attacked.get(i).prediction().probabilities().get(labels.get(i));
                assertTrue(after < before, "input " + i + ": p(" + labels.get(i) + ") " + before + " -> " + after);
            }
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> model.attentionUnderAttack(inputs.subList(0, 1), List.of("spam"), 1f));
            assertTrue(e.getMessage().contains("'spam' is not one of the model's labels"), e.getMessage());
        }
    }

    /** Word pieces only ([CLS] and [SEP] left out), most attended first, with transformers' weights. */
    private static void assertExplainsWithAttentionFromFirstToken(
            List<TokenWeight> explanation, float[] expected, String what) {
        assertFalse(explanation.isEmpty(), what);
        double previous = Double.POSITIVE_INFINITY;
        for (TokenWeight w : explanation) {
            assertFalse(w.token().equals("[CLS]") || w.token().equals("[SEP]"), what + ": " + explanation);
            assertEquals(expected[w.position()], w.weight(), TOLERANCE, what + " token " + w.position());
            assertTrue(w.weight() <= previous, what + " is not sorted: " + explanation);
            previous = w.weight();
        }
    }

    @Test
    void aHuggingFaceDirectoryWithoutATokenizerConfigServesAtItsPositionTable() throws Exception {
        try (ClassifierModel model = ClassifierModel.load(Fixtures.tinyBert(), DeviceChoice.CPU)) {
            assertEquals(64, model.maxLength());
        }
    }

    @Test
    void fineTunesSavesTheHuggingFaceLayoutAndReloads() throws Exception {
        List<Example> slice = Dataset.read(Fixtures.sst2("train.tsv"), DatasetColumns.DEFAULT.withText("sentence"))
                .examples().subList(0, SENTENCES).stream()
                .map(e -> Example.of(e.text(), SENTIMENT.get(e.label())))
                .toList();
        Path out = tmp.resolve("bert");
        TrainedClassifier result = TextClassifierTrainer.builder()
                .model(ModelKind.BERT)
                .init(Fixtures.tinyBert())
                .train(Dataset.of(slice))
                .dev(Dataset.of(slice))
                .batchSize(SENTENCES / STEPS)
                .epochs(1)
                .learningRate(1e-3)
                .maxLength(TRAINED_MAX_LENGTH)
                .device(DeviceChoice.CPU)
                .progress(false)
                .outputDir(out)
                .build()
                .fit();
        assertEquals(STEPS, result.training().steps());
        assertEquals(TrainingResult.StopReason.COMPLETED, result.training().reason());
        assertEquals(List.of("negative", "positive"), result.labels());
        assertEquals(SENTENCES, result.devMetrics().orElseThrow().n());

        // Same tensor names, dtypes and shapes as the checkpoint it came from.
        assertEquals(describe(Fixtures.tinyBert().resolve("model.safetensors")),
                describe(out.resolve("model.safetensors")));
        JsonObject config = JsonParser.parseString(Files.readString(out.resolve("config.json"))).getAsJsonObject();
        assertEquals("negative", config.getAsJsonObject("id2label").get("0").getAsString());
        assertEquals(1, config.getAsJsonObject("label2id").get("positive").getAsInt());
        assertEquals("BertForSequenceClassification", config.getAsJsonArray("architectures").get(0).getAsString());
        assertTrue(Files.exists(out.resolve("tokenizer.json")));
        assertTrue(Files.exists(out.resolve(TextClassifierTrainer.LOG_FILE)));

        // The model reloads, and its batched predictions equal one-at-a-time forward passes of the saved weights.
        try (ClassifierModel model = ClassifierModel.load(out, DeviceChoice.CPU);
                NDManager manager = NDManager.newBaseManager();
                HfTokenizer tokenizer = HfTokenizer.builder().setPath(out).optMaxLength(TRAINED_MAX_LENGTH).build()) {
            assertEquals(List.of("negative", "positive"), model.labels());
            // It serves at the length it trained at (saved where transformers' tokenizers read it too), not at
            // the position table's 64, so the evaluation below agrees with the dev metrics fit printed.
            assertEquals(TRAINED_MAX_LENGTH, model.maxLength());
            assertEquals(TRAINED_MAX_LENGTH, JsonParser.parseString(Files.readString(out.resolve(
                    "tokenizer_config.json"))).getAsJsonObject().get("model_max_length").getAsInt());
            List<Prediction> batched = model.predict(FIXTURE_INPUTS, FIXTURE_INPUTS.size(), 0);
            BertForSequenceClassification direct = BertCheckpoint.loadClassifier(out, manager);
            float[] fixtureLogits = SafeTensors.read(Fixtures.tinyBert().resolve("expected.safetensors"), manager)
                    .get("logits").toFloatArray();
            for (int i = 0; i < FIXTURE_INPUTS.size(); i++) {
                float[] single = singleLogits(direct, tokenizer, FIXTURE_INPUTS.get(i), manager);
                assertArrayEquals(single, batched.get(i).logits(), (float) TOLERANCE, "input " + i);
                assertFalse(Arrays.equals(Arrays.copyOfRange(fixtureLogits, 2 * i, 2 * i + 2), batched.get(i).logits()),
                        "fine-tuning changed the model");
            }
            assertEquals(result.devMetrics().orElseThrow().accuracy(), model.evaluate(Dataset.of(slice)).accuracy());
        }
    }

    /** Logits of one unpadded input through the Block directly, not through the batching code. */
    private static float[] singleLogits(BertForSequenceClassification bert, HfTokenizer tokenizer, TextInput input,
            NDManager manager) {
        try (NDManager scope = manager.newSubManager()) {
            TokenBatch tokens = tokenizer.encode(List.of(input.text()), Arrays.asList(input.textPair()));
            NDArray ids = scope.create(tokens.inputIds());
            NDArray types = scope.create(tokens.tokenTypeIds());
            return bert.forward(new ParameterStore(scope, false), BertInput.of(ids, null, types), false)
                    .logits().toFloatArray();
        }
    }

    private static List<String> describe(Path weights) throws Exception {
        return SafetensorsHeader.read(weights).tensors().values().stream()
                .map(t -> t.name() + " " + t.dtype() + Arrays.toString(t.shape())).sorted().toList();
    }
}
