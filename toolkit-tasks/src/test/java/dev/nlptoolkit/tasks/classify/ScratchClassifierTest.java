package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.pytorch.jni.JniUtils;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Training from scratch on a slice of the SMS Spam Collection, saving, reloading, explaining, resuming. */
class ScratchClassifierTest {

    private static final int TRAIN = 600;
    private static final int DEV = 200;
    private static final int MAX_LENGTH = 48;
    private static final int EPOCHS = 4;
    private static final int SEED = 7;
    private static final float TOLERANCE = 1e-5f;
    private static final int SMALL = 64;
    /** Smaller than the default 128: 600 examples then give 10 steps an epoch, enough to learn in 4 epochs. */
    private static final int BATCH = 64;

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Dataset train;
    private static Dataset dev;
    private static TrainedClassifier trained;

    @BeforeAll
    static void trainOnce() throws Exception {
        Fixtures.singleThreaded();
        train = Dataset.of(Fixtures.smsSpam(0, TRAIN));
        dev = Dataset.of(Fixtures.smsSpam(TRAIN, TRAIN + DEV));
        trained = trainer(shared.resolve("spam")).epochs(EPOCHS).evaluateEvery(10).build().fit();
    }

    private static TextClassifierTrainer.Builder trainer(Path out) {
        return TextClassifierTrainer.builder()
                .model(ModelKind.BILSTM_ATTENTION)
                .train(train)
                .dev(dev)
                .maxLength(MAX_LENGTH)
                .batchSize(BATCH)
                .seed(SEED)
                .device(DeviceChoice.CPU)
                .progress(false)
                .outputDir(out);
    }

    @Test
    void learnsSpamFromSixHundredMessages() {
        ClassificationMetrics metrics = trained.devMetrics().orElseThrow();
        assertEquals(DEV, metrics.n());
        // Always answering "ham" scores 0.87 on this slice; the model must do clearly better.
        assertTrue(metrics.accuracy() > 0.9, metrics.toJson());
        assertTrue(metrics.mcc() > 0.5, metrics.toJson());
        assertEquals(List.of("ham", "spam"), trained.labels());
    }

    @Test
    void savesLabelMapVocabularyAndProvenance() throws Exception {
        Path dir = trained.directory();
        JsonObject config = JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
        assertEquals("spam", config.getAsJsonObject("id2label").get("1").getAsString());
        assertEquals(0, config.getAsJsonObject("label2id").get("ham").getAsInt());
        assertEquals(2, config.get("num_labels").getAsInt());
        assertEquals("bilstm-attention", config.get("architecture").getAsString());
        assertEquals("bilstm-attention", config.getAsJsonObject("model").get("model_type").getAsString());
        assertTrue(Files.exists(dir.resolve(ScratchNetwork.VOCABULARY_FILE)));
        JsonObject provenance = JsonParser
                .parseString(Files.readString(dir.resolve(TextClassifierTrainer.PROVENANCE_FILE)))
                .getAsJsonObject();
        assertEquals(SEED, provenance.get("seed").getAsInt());
        assertEquals(TRAIN, provenance.get("train_examples").getAsInt());
        // 10 steps an epoch for 4 epochs, no time budget: the schedule is laid out over those 40 steps.
        JsonObject plan = provenance.getAsJsonObject("schedule_plan");
        assertEquals(40, plan.get("steps").getAsInt());
        assertEquals("epochs", plan.get("planned_over").getAsString());
        assertEquals(HyperParameters.DEFAULT_PATIENCE_STEPS, provenance.get("patience_steps").getAsInt());
        assertTrue(!provenance.has("resumed_from_step"), "a run from the start resumed from nothing");
        long evaluations = Files.readAllLines(dir.resolve(TextClassifierTrainer.LOG_FILE)).size();
        assertTrue(evaluations >= EPOCHS, "one log line per evaluation, got " + evaluations);
    }

    @Test
    void reloadedModelPredictsTheSameWhateverTheBatching() throws Exception {
        List<TextInput> inputs = new ArrayList<>();
        dev.examples().forEach(e -> inputs.add(TextInput.of(e.text())));
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), DeviceChoice.CPU);
                ClassifierModel again = ClassifierModel.load(trained.directory(), DeviceChoice.CPU)) {
            assertEquals(ModelKind.BILSTM_ATTENTION, model.kind());
            ClassificationMetrics metrics = model.evaluate(dev);
            assertEquals(trained.devMetrics().orElseThrow().confusion(), metrics.confusion());
            List<Prediction> batched = model.predict(inputs, 17, 0);
            List<Prediction> single = again.predict(inputs, 1, 0);
            for (int i = 0; i < inputs.size(); i++) {
                assertArrayEquals(single.get(i).logits(), batched.get(i).logits(), TOLERANCE, "input " + i);
                assertEquals(single.get(i).label(), batched.get(i).label());
            }
        }
    }

    @Test
    void explainsWithTheMostAttendedWords() throws Exception {
        String text = "WINNER! You have won a free prize, call now to claim";
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), DeviceChoice.CPU)) {
            Prediction all = model.predict(List.of(TextInput.of(text)), 1, Integer.MAX_VALUE).get(0);
            int words = 13;
            assertEquals(words, all.explanation().size(), all.explanation().toString());
            assertEquals(1.0, all.explanation().stream().mapToDouble(TokenWeight::weight).sum(), 1e-5);
            Prediction top = model.predict(List.of(TextInput.of(text)), 1, 3).get(0);
            assertEquals(all.explanation().subList(0, 3), top.explanation());
            for (int i = 1; i < top.explanation().size(); i++) {
                assertTrue(top.explanation().get(i - 1).weight() >= top.explanation().get(i).weight());
            }
            assertEquals("spam", top.label());
        }
    }

    @Test
    void textsWithoutWordsStillGetAPrediction() throws Exception {
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), DeviceChoice.CPU)) {
            List<Prediction> predictions = model.predict(
                    List.of(TextInput.of(""), TextInput.of("   "), TextInput.of("ok")), 2, 5);
            assertEquals(3, predictions.size());
            assertTrue(predictions.get(0).explanation().isEmpty());
            assertArrayEquals(predictions.get(0).logits(), predictions.get(1).logits(), TOLERANCE);
        }
    }

    @Test
    void unseenGoldLabelsAreRefusedOrCountedAsErrorsWhenAllowed() throws Exception {
        List<Example> data = new ArrayList<>(dev.examples().subList(0, 10));
        data.add(Example.of("are we still on for lunch", "eggs"));
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), DeviceChoice.CPU)) {
            UserInputException refused = assertThrows(UserInputException.class, () -> model.evaluate(Dataset.of(data)));
            assertEquals("example 11 of in-memory examples: label 'eggs' was never seen in training; the model knows "
                    + model.labels() + "; --allow-unknown-labels scores them as errors instead", refused.getMessage());
            ClassificationMetrics metrics = model.evaluate(Dataset.of(data), 4, UnknownLabels.COUNT_AS_ERRORS);
            assertEquals(11, metrics.n());
            assertEquals(Map.of("eggs", 1L), metrics.unknownGold());
            assertEquals(0L, metrics.confusion().get("eggs").get("eggs"));
            assertTrue(metrics.toJson().contains("\"unknown_gold\""));
        }
    }

    @Test
    void resumeContinuesFromTheLastCheckpoint() throws Exception {
        Path out = tmp.resolve("resumed");
        TrainedClassifier first = trainer(out).epochs(2).maxSteps(3).evaluateEvery(2).build().fit();
        assertEquals(3, first.training().steps());
        assertEquals(TrainingResult.StopReason.STEP_LIMIT, first.training().reason());
        Path last = out.resolve(TextClassifierTrainer.CHECKPOINT_DIR).resolve(TrainingCheckpoint.LAST);
        assertEquals(3, TrainingCheckpoint.readState(last).step());

        TrainedClassifier second = trainer(out).epochs(2).maxSteps(5).evaluateEvery(2).resume(true).build().fit();
        assertEquals(5, second.training().steps());
        assertEquals(5, TrainingCheckpoint.readState(last).step());
        // Evaluations at steps 2, 3 (the first run's last), 4 and 5: the resumed run appended to the log.
        assertEquals(4, Files.readAllLines(out.resolve(TextClassifierTrainer.LOG_FILE)).size());
    }

    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = {"RNN", "LSTM", "RCNN", "TRANSFORMER"})
    void everyKindTrainsSavesAndReloadsWithTheSamePredictions(ModelKind kind) throws Exception {
        Dataset small = train.slice(0, SMALL);
        TrainedClassifier result = TextClassifierTrainer.builder()
                .model(kind).train(small).dev(small).maxLength(MAX_LENGTH).maxSteps(2).seed(SEED)
                .device(DeviceChoice.CPU).progress(false).outputDir(tmp.resolve(kind.cliName())).build().fit();
        assertEquals(2, result.training().steps());
        try (ClassifierModel model = ClassifierModel.load(result.directory(), DeviceChoice.CPU)) {
            assertEquals(kind, model.kind());
            assertEquals(result.devMetrics().orElseThrow().confusion(), model.evaluate(small).confusion());
        }
    }

    /** TREC: 5,444 questions in batches of 128 are 43 steps an epoch, so 4,000 steps take 94 epochs; in 16s, 12. */
    @Test
    void smallDataSetsGetEnoughEpochsByDefault() throws Exception {
        Dataset trec = Dataset.read(Fixtures.trec());
        TextClassifierTrainer.Builder builder = TextClassifierTrainer.builder()
                .model(ModelKind.BILSTM_ATTENTION).train(trec).outputDir(tmp.resolve("unused"));
        assertEquals(94, builder.build().hyperParameters().epochs());
        assertEquals(12, builder.batchSize(16).build().hyperParameters().epochs());
        assertEquals(HyperParameters.MAX_SCRATCH_EPOCHS,
                builder.train(trec.slice(0, 100)).build().hyperParameters().epochs());
        assertEquals(3, builder.epochs(3).build().hyperParameters().epochs());
    }

    @Test
    void resumeWithoutACheckpointSaysWhatToDo() {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> trainer(tmp.resolve("fresh")).resume(true).build().fit());
        assertTrue(e.getMessage().contains("train without --resume first"), e.getMessage());
    }

    /** Regression: NaN logits made the arg-max name label 0. */
    @Test
    void nanLogitsGiveAnErrorForThatRowNotALabel() throws Exception {
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu());
                ClassifierNetwork network = ClassifierNetwork.load(trained.directory(), manager)) {
            // The output layer's bias: NaN in one class's logit of every row.
            ai.djl.nn.Parameter bias = StateDict.of(network.model()).entrySet().stream()
                    .filter(e -> e.getKey().endsWith("bias")).reduce((a, b) -> b).orElseThrow().getValue();
            bias.getArray().set(new ai.djl.ndarray.index.NDIndex("0"), Float.NaN);
            List<Prediction> predictions = Inference.predict(network, manager,
                    List.of(TextInput.of("free prize"), TextInput.of("see you at lunch")), 2, 0);
            for (Prediction p : predictions) {
                assertTrue(Float.isNaN(p.logits()[0]));
                assertTrue(p.error().orElseThrow().contains("not finite"), p.error().toString());
                assertThrows(NonFiniteLogitsException.class, p::label);
                assertThrows(NonFiniteLogitsException.class, p::probability);
                JsonObject json = p.toJson(false);
                assertTrue(json.has("error") && !json.has("label"), json.toString());
                assertEquals("NaN", json.getAsJsonArray("logits").get(0).getAsString());
            }
        }
    }

    /**
     * One loaded model, four threads at once: the same results as one thread, and no graph recorded. Each
     * thread starts with recording on, as a training thread has it; every forward pass fails if recording
     * is on on its thread ({@link #aForwardPassThatRecordsIsCaught} shows that check firing).
     */
    @Test
    void oneModelServesFourThreadsWithTheSingleThreadedResults() throws Exception {
        List<TextInput> inputs = new ArrayList<>();
        dev.examples().forEach(e -> inputs.add(TextInput.of(e.text())));
        try (ClassifierModel model = ClassifierModel.load(trained.directory(), DeviceChoice.CPU)) {
            List<Prediction> expected = model.predict(inputs, 16, 0);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
                List<java.util.concurrent.Future<List<Prediction>>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    runs.add(pool.submit(() -> {
                        // Recording on, as a training thread would have it: predict must turn it off itself.
                        ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                        start.await();
                        List<Prediction> out = new ArrayList<>();
                        for (int round = 0; round < 3; round++) {
                            out = model.predict(inputs, 16, 0);
                        }
                        assertEquals(3, model.attention(inputs.subList(0, 3)).size());
                        assertTrue(ai.djl.pytorch.jni.JniUtils.isGradMode(), "the caller's mode is restored");
                        return out;
                    }));
                }
                for (java.util.concurrent.Future<List<Prediction>> run : runs) {
                    List<Prediction> got = run.get();
                    for (int i = 0; i < inputs.size(); i++) {
                        assertArrayEquals(expected.get(i).logits(), got.get(i).logits(), "input " + i);
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    /** The check every inference forward pass makes: with recording on, it fails. */
    @Test
    void aForwardPassThatRecordsIsCaught() throws Exception {
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager(ai.djl.Device.cpu());
                ClassifierNetwork network = ClassifierNetwork.load(trained.directory(), manager)) {
            List<TextInput> text = List.of(TextInput.of("free prize, call now"));
            List<EncodedText> batch = Inference.encode(network, text, 1).batches().get(0).items();
            boolean before = JniUtils.isGradMode();
            try {
                JniUtils.setGradMode(true);
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Inference.predictBatch(network, manager, null, batch, 0));
                assertTrue(e.getMessage().contains("autograd records on thread"), e.getMessage());
                Prediction off = Gradients.withoutRecording(
                        () -> Inference.predictBatch(network, manager, null, batch, 0).get(0));
                assertArrayEquals(Inference.predict(network, manager, text, 1, 0).get(0).logits(), off.logits());
            } finally {
                JniUtils.setGradMode(before);
            }
        }
    }
}
