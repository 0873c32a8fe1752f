package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.TrainingCheckpoint;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Kim CNN from scratch on a slice of the SMS Spam Collection, and every from-scratch kind started
 * from the tokenizer and word embeddings of a tiny Hugging Face directory made here: tiny-bert's
 * tokenizer.json (30,522 word pieces) and a seeded (30522, 8) {@code embeddings.word_embeddings.weight}.
 */
class CnnAndPretrainedEmbeddingsTest {

    private static final int TRAIN = 600;
    private static final int DEV = 200;
    private static final int MAX_LENGTH = 48;
    /** 12 steps an epoch at batch 50: the CNN, at its default rate, needs a few more epochs than the LSTMs. */
    private static final int CNN_EPOCHS = 8;
    private static final int SEED = 7;
    private static final int BATCH = 50;
    private static final int WORD_PIECES = 30522;
    private static final int EMBEDDING = 8;
    private static final float TOLERANCE = 1e-5f;
    private static final String SPAM = "WINNER! You have won a free prize, call now to claim";

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Dataset train;
    private static Dataset dev;
    private static TrainedClassifier cnn;
    private static Path checkpoint;
    private static float[] matrix;

    @BeforeAll
    static void trainOnce() throws Exception {
        Fixtures.singleThreaded();
        train = Dataset.of(Fixtures.smsSpam(0, TRAIN));
        dev = Dataset.of(Fixtures.smsSpam(TRAIN, TRAIN + DEV));
        cnn = trainer(ModelKind.CNN, shared.resolve("cnn")).epochs(CNN_EPOCHS).build().fit();
        checkpoint = tinyCheckpoint(shared.resolve("tiny-hf"));
    }

    private static TextClassifierTrainer.Builder trainer(ModelKind kind, Path out) {
        return TextClassifierTrainer.builder()
                .model(kind)
                .train(train)
                .dev(dev)
                .maxLength(MAX_LENGTH)
                .batchSize(BATCH)
                .seed(SEED)
                .device(DeviceChoice.CPU)
                .progress(false)
                .outputDir(out);
    }

    /** A Hugging Face style directory: config.json, tiny-bert's tokenizer.json, one seeded embedding matrix. */
    private static Path tinyCheckpoint(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.copy(Fixtures.tinyBert().resolve(HfTokenizer.TOKENIZER_FILE), dir.resolve(HfTokenizer.TOKENIZER_FILE));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 8}\n");
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(SEED);
            NDArray weights = manager.randomNormal(new Shape(WORD_PIECES, EMBEDDING)).mul(0.5f);
            matrix = weights.toFloatArray();
            SafeTensors.write(dir.resolve("model.safetensors"),
                    Map.of(PretrainedEmbeddings.TENSOR_NAMES.get(0), weights));
        }
        return dir;
    }

    private static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    }

    /** The rows of {@link #matrix} at {@code pieces}, in that order. */
    private static float[] rowsOfMatrix(long[] pieces) {
        float[] rows = new float[pieces.length * EMBEDDING];
        for (int r = 0; r < pieces.length; r++) {
            System.arraycopy(matrix, Math.toIntExact(pieces[r]) * EMBEDDING, rows, r * EMBEDDING, EMBEDDING);
        }
        return rows;
    }

    private static long[] savedRows(Path dir) throws Exception {
        return JsonParser.parseString(Files.readString(dir.resolve(TableRowTokenizer.ROWS_FILE))).getAsJsonArray()
                .asList().stream().mapToLong(e -> e.getAsLong()).toArray();
    }

    private static float[] savedEmbeddings(Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            return SafeTensors.read(dir.resolve("model.safetensors"), manager)
                    .get(PretrainedEmbeddings.EMBEDDING_PARAMETER).toFloatArray();
        }
    }

    @Test
    void theCnnLearnsSpamAndReloadsWithTheSamePredictions() throws Exception {
        ClassificationMetrics metrics = cnn.devMetrics().orElseThrow();
        // Always answering "ham" scores 0.87 on this slice.
        assertTrue(metrics.accuracy() > 0.9, metrics.toJson());
        JsonObject model = json(cnn.directory().resolve("config.json")).getAsJsonObject("model");
        assertEquals("cnn", model.get("model_type").getAsString());
        assertEquals("[3,4,5]", model.get("filter_widths").toString());
        assertEquals(100, model.get("num_filters").getAsInt());
        assertEquals(0.5, model.get("dropout").getAsDouble(), 1e-6);
        assertEquals("wide", model.get("convolution").getAsString());
        List<TextInput> inputs = new ArrayList<>();
        dev.examples().forEach(e -> inputs.add(TextInput.of(e.text())));
        try (ClassifierModel loaded = ClassifierModel.load(cnn.directory(), DeviceChoice.CPU)) {
            assertEquals(ModelKind.CNN, loaded.kind());
            assertEquals(metrics.confusion(), loaded.evaluate(dev).confusion());
            List<Prediction> batched = loaded.predict(inputs, 17, 0);
            List<Prediction> single = loaded.predict(inputs, 1, 0);
            for (int i = 0; i < inputs.size(); i++) {
                assertArrayEquals(single.get(i).logits(), batched.get(i).logits(), TOLERANCE, "input " + i);
            }
        }
    }

    /** The words whose windows won the pooling, by their share of the maps: every word of a short text counts. */
    @Test
    void explainsWithTheWordsWhoseWindowsWonThePooling() throws Exception {
        try (ClassifierModel loaded = ClassifierModel.load(cnn.directory(), DeviceChoice.CPU)) {
            List<TokenWeight> all = loaded.predict(List.of(TextInput.of(SPAM)), 1, 100).get(0).explanation();
            assertEquals(1.0, all.stream().mapToDouble(TokenWeight::weight).sum(), 1e-5, all.toString());
            double previous = Double.POSITIVE_INFINITY;
            for (TokenWeight w : all) {
                assertTrue(w.weight() >= 0 && w.weight() <= previous, all.toString());
                previous = w.weight();
            }
            List<TokenWeight> top = loaded.predict(List.of(TextInput.of(SPAM)), 1, 3).get(0).explanation();
            assertEquals(all.subList(0, 3), top);
            // a text shorter than every filter: its two words share all the maps
            List<TokenWeight> shortText = loaded.predict(List.of(TextInput.of("free prize")), 1, 10).get(0)
                    .explanation();
            assertEquals(2, shortText.size(), shortText.toString());
            assertEquals(1.0, shortText.get(0).weight() + shortText.get(1).weight(), 1e-5);
        }
    }

    @Test
    void frozenPretrainedEmbeddingsAreSavedWithTheirTokenizerAndNeverChange() throws Exception {
        Path out = tmp.resolve("cnn-static");
        TrainedClassifier result = trainer(ModelKind.CNN, out).initEmbeddings(checkpoint).freezeEmbeddings(true)
                .epochs(1).build().fit();
        assertTrue(result.training().steps() > 0);
        assertTrue(Files.exists(out.resolve(HfTokenizer.TOKENIZER_FILE)));
        assertFalse(Files.exists(out.resolve(ScratchNetwork.VOCABULARY_FILE)));
        JsonObject config = json(out.resolve("config.json"));
        assertEquals(HfTokenizer.TOKENIZER_FILE, config.get("tokenizer_file").getAsString());
        JsonObject from = config.getAsJsonObject("embeddings_from");
        assertEquals(checkpoint.toAbsolutePath().normalize().toString(), from.get("directory").getAsString());
        assertEquals("embeddings.word_embeddings.weight", from.get("tensor").getAsString());
        assertEquals("[30522,8]", from.get("shape").toString());
        assertTrue(from.get("frozen").getAsBoolean());
        assertEquals(1.0, json(out.resolve(TextClassifierTrainer.PROVENANCE_FILE)).get("embedding_lr_scale")
                .getAsDouble(), "a frozen table has no rate to scale");
        assertEquals(from, json(out.resolve(TextClassifierTrainer.PROVENANCE_FILE)).getAsJsonObject("init_embeddings"));
        long[] rows = savedRows(out);
        // every piece: those of 600 text messages and the special tokens first, in id order, [PAD] (0) first
        assertEquals(WORD_PIECES, rows.length);
        assertEquals(WORD_PIECES, Arrays.stream(rows).distinct().count());
        int trained = from.get("trained_rows").getAsInt();
        assertTrue(trained > 1000 && trained < WORD_PIECES / 4, "trained rows " + trained);
        assertEquals(0, rows[0]);
        assertTrue(isIncreasing(Arrays.copyOf(rows, trained)) && isIncreasing(Arrays.copyOfRange(rows, trained,
                rows.length)), "each part in id order");
        assertEquals(rows.length, from.get("table_rows").getAsInt());
        assertEquals(rows.length, config.getAsJsonObject("model").get("vocab_size").getAsInt());
        assertEquals(EMBEDDING, config.getAsJsonObject("model").get("embedding_size").getAsInt());
        assertArrayEquals(rowsOfMatrix(rows), savedEmbeddings(out), "the static table is the checkpoint's rows");
        try (ClassifierModel loaded = ClassifierModel.load(out, DeviceChoice.CPU)) {
            assertEquals(result.devMetrics().orElseThrow().confusion(), loaded.evaluate(dev).confusion());
            // word pieces of the checkpoint's tokenizer, special tokens left out
            List<TokenWeight> words = loaded.predict(List.of(TextInput.of(SPAM)), 1, 100).get(0).explanation();
            assertTrue(words.stream().anyMatch(w -> w.token().equals("winner")), words.toString());
            assertTrue(words.stream().noneMatch(w -> w.token().equals("[CLS]")), words.toString());
        }
    }

    private static boolean isIncreasing(long[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] <= values[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /** The rows of the training data's pieces learn; the rest of the table keeps the checkpoint's rows exactly. */
    @Test
    void nonStaticEmbeddingsStartFromTheCheckpointAndTrainTheTrainingPiecesRows() throws Exception {
        Path out = tmp.resolve("lstm-non-static");
        trainer(ModelKind.LSTM, out).initEmbeddings(checkpoint).epochs(1).build().fit();
        float[] trained = savedEmbeddings(out);
        float[] start = rowsOfMatrix(savedRows(out));
        JsonObject from = json(out.resolve("config.json")).getAsJsonObject("embeddings_from");
        int boundary = from.get("trained_rows").getAsInt() * EMBEDDING;
        int changed = 0;
        for (int i = 0; i < boundary; i++) {
            changed += trained[i] != start[i] ? 1 : 0;
        }
        assertTrue(changed > boundary / 4, changed + " of the trained rows' " + boundary + " weights changed");
        assertArrayEquals(Arrays.copyOfRange(start, boundary, start.length),
                Arrays.copyOfRange(trained, boundary, trained.length), "rows no training text uses");
        assertFalse(from.get("frozen").getAsBoolean());
    }

    /**
     * A run on a pretrained table, stopped and resumed, reaches the weights and optimizer state of one
     * uninterrupted run: the optimizer's moments cover the trained rows only, and the resumed run puts
     * the same pieces first.
     */
    @Test
    void aRunOnAPretrainedTableResumesToTheUninterruptedState() throws Exception {
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        trainer(ModelKind.CNN, straight).initEmbeddings(checkpoint).epochs(1).maxSteps(4).build().fit();
        trainer(ModelKind.CNN, resumed).initEmbeddings(checkpoint).epochs(1).maxSteps(2).build().fit();
        trainer(ModelKind.CNN, resumed).initEmbeddings(checkpoint).epochs(1).maxSteps(4).resume(true).build().fit();
        Path last = Path.of(TextClassifierTrainer.CHECKPOINT_DIR, TrainingCheckpoint.LAST);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String file : List.of("model.safetensors", TrainingCheckpoint.OPTIMIZER_FILE)) {
                Map<String, NDArray> expected = SafeTensors.read(straight.resolve(last).resolve(file), manager);
                Map<String, NDArray> actual = SafeTensors.read(resumed.resolve(last).resolve(file), manager);
                assertEquals(expected.keySet(), actual.keySet(), file);
                for (String name : expected.keySet()) {
                    assertArrayEquals(expected.get(name).toArray(), actual.get(name).toArray(), file + " " + name);
                }
            }
            int trained = json(straight.resolve("config.json")).getAsJsonObject("embeddings_from").get("trained_rows")
                    .getAsInt();
            assertEquals(new Shape(trained, EMBEDDING), SafeTensors.read(straight.resolve(last)
                    .resolve(TrainingCheckpoint.OPTIMIZER_FILE), manager).get("exp_avg.embedding.weight").getShape());
        }
    }

    /**
     * Adam moves a weight by about the learning rate a step whatever its gradient's size, so at the
     * default scale of 0.01 for a fine-tuned pretrained table no embedding moves more than a few
     * hundredths of what the rows of a run at the full rate move.
     */
    @Test
    void aFineTunedPretrainedTableLearnsAtAHundredthOfTheRateByDefault() throws Exception {
        Path full = tmp.resolve("lstm-full-rate");
        Path scaled = tmp.resolve("lstm-default-scale");
        TrainedClassifier fullRun = trainer(ModelKind.LSTM, full).initEmbeddings(checkpoint).epochs(1)
                .embeddingLearningRateScale(1).build().fit();
        TrainedClassifier scaledRun = trainer(ModelKind.LSTM, scaled).initEmbeddings(checkpoint).epochs(1)
                .build().fit();
        assertEquals(fullRun.training().steps(), scaledRun.training().steps());
        float[] start = rowsOfMatrix(savedRows(full));
        double fullMove = maxAbsDifference(start, savedEmbeddings(full));
        double scaledMove = maxAbsDifference(start, savedEmbeddings(scaled));
        double lr = ModelKind.LSTM.defaults().learningRate();
        assertTrue(fullMove > 10 * scaledMove, "full-rate move " + fullMove + ", scaled move " + scaledMove);
        assertTrue(scaledMove > 0 && scaledMove < 3 * 0.01 * lr * scaledRun.training().steps(),
                "scaled move " + scaledMove + ", full-rate move " + fullMove);
        assertEquals(0.01, json(scaled.resolve(TextClassifierTrainer.PROVENANCE_FILE))
                .get("embedding_lr_scale").getAsDouble());
        assertEquals(1.0, json(full.resolve(TextClassifierTrainer.PROVENANCE_FILE))
                .get("embedding_lr_scale").getAsDouble());

        UserInputException frozen = assertThrows(UserInputException.class, () -> trainer(ModelKind.CNN,
                tmp.resolve("x")).initEmbeddings(checkpoint).freezeEmbeddings(true)
                .embeddingLearningRateScale(0.1).build());
        assertTrue(frozen.getMessage().contains("--freeze-embeddings"), frozen.getMessage());
        UserInputException zero = assertThrows(UserInputException.class, () -> trainer(ModelKind.CNN,
                tmp.resolve("x")).embeddingLearningRateScale(0).build());
        assertTrue(zero.getMessage().contains("--freeze-embeddings"), zero.getMessage());
    }

    private static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** Every from-scratch kind takes the checkpoint's table as its embedding, the tokenizer's pad id as padding. */
    @ParameterizedTest
    @EnumSource(value = ModelKind.class, names = "BERT", mode = EnumSource.Mode.EXCLUDE)
    void everyFromScratchKindStartsFromTheMatrix(ModelKind kind) throws Exception {
        LabelMap labels = LabelMap.of(train.examples(), train.source());
        try (NDManager manager = NDManager.newBaseManager();
                ScratchNetwork network = ScratchNetwork.create(kind, PretrainedEmbeddings.open(checkpoint, 0), false,
                        train.examples(), labels, MAX_LENGTH, manager)) {
            NDArray table = StateDict.of(network.model()).get(PretrainedEmbeddings.EMBEDDING_PARAMETER).getArray();
            long[] pieces = ((TableRowTokenizer) network.tokenizer()).pieces();
            assertArrayEquals(rowsOfMatrix(pieces), table.toFloatArray(), kind.toString());
            assertEquals(0, network.tokenizer().padId());
            assertEquals(DataType.FLOAT32, table.getDataType());
        }
    }

    /**
     * Pieces the training data never shows keep rows of their own, after the training data's pieces;
     * with a table saved by an earlier build, which holds only the training pieces, they become [UNK]'s
     * row.
     */
    @Test
    void piecesOutsideTheTrainingDataKeepTheirOwnRows() throws Exception {
        LabelMap labels = LabelMap.of(train.examples(), train.source());
        try (NDManager manager = NDManager.newBaseManager();
                ScratchNetwork network = ScratchNetwork.create(ModelKind.CNN, PretrainedEmbeddings.open(checkpoint, 0),
                        true, train.examples(), labels, MAX_LENGTH, manager);
                HfTokenizer original = HfTokenizer.builder().setPath(checkpoint).build()) {
            TableRowTokenizer rows = (TableRowTokenizer) network.tokenizer();
            long[] pieces = rows.pieces();
            int trained = rows.trainedRows();
            String text = "free call zyzzyva";
            long[] ids = original.encode(List.of(text)).inputIds()[0];
            long[] mapped = rows.encode(List.of(text)).inputIds()[0];
            assertEquals(ids.length, mapped.length);
            int unseen = 0;
            for (int t = 0; t < ids.length; t++) {
                assertEquals(ids[t], pieces[Math.toIntExact(mapped[t])], "token " + t);
                unseen += mapped[t] >= trained ? 1 : 0;
            }
            assertTrue(unseen > 0, "zyzzyva's pieces are not in 600 text messages");
            assertEquals(original.tokens(text), rows.tokens(text));
            assertEquals(Map.of(PretrainedEmbeddings.EMBEDDING_PARAMETER, (long) trained), network.trainedRows());

            // an earlier build's table: the training pieces only
            Path old = tmp.resolve("old-rows");
            Files.createDirectories(old);
            Files.writeString(old.resolve(TableRowTokenizer.ROWS_FILE),
                    Arrays.toString(Arrays.copyOf(pieces, trained)) + "\n");
            Path file = checkpoint.resolve(HfTokenizer.TOKENIZER_FILE);
            try (TableRowTokenizer earlier = TableRowTokenizer.load(HfTokenizer.builder().setPath(file).build(), file,
                    old.resolve(TableRowTokenizer.ROWS_FILE))) {
                long unknown = Arrays.binarySearch(Arrays.copyOf(pieces, trained), 100);
                assertTrue(unknown >= 0, "[UNK] (id 100) has a row");
                long[] before = earlier.encode(List.of(text)).inputIds()[0];
                for (int t = 0; t < ids.length; t++) {
                    assertEquals(mapped[t] < trained ? mapped[t] : unknown, before[t], "token " + t);
                }
                assertEquals(trained, earlier.trainedRows());
            }
        }
    }

    @Test
    void aBertClassifierAsInitEmbeddingsGivesItsBertPrefixedMatrix() throws Exception {
        PretrainedEmbeddings embeddings = PretrainedEmbeddings.open(Fixtures.tinyBert(), 0);
        assertEquals("bert.embeddings.word_embeddings.weight", embeddings.tensor());
        assertEquals(WORD_PIECES, embeddings.rows());
        assertEquals(32, embeddings.columns());
    }

    /**
     * Rows from an encoder layer equal transformers': tiny-bert's pieces encoded alone, hidden_states[L]
     * at the piece, rescaled to the matrix rows' mean length (make_encoded_embeddings_fixture.py).
     */
    @Test
    void rowsFromAnEncoderLayerMatchTransformers() throws Exception {
        try (NDManager manager = NDManager.newBaseManager();
                HfTokenizer tokenizer = HfTokenizer.builder().setPath(Fixtures.tinyBert()).build()) {
            Map<String, NDArray> expected = SafeTensors.read(
                    Fixtures.resource("encoded-embeddings/tiny-bert-rows.safetensors"), manager);
            long[] pieces = expected.get("pieces").toLongArray();
            long[] template = tokenizer.encode(List.of("")).inputIds()[0];
            assertArrayEquals(new long[] {101, 102}, template, "[CLS] and [SEP] around an empty text");

            float[] matrixRows = PretrainedEmbeddings.open(Fixtures.tinyBert(), 0).rows(pieces, template, manager);
            assertArrayEquals(expected.get("matrix_rows").toFloatArray(), matrixRows);
            for (int layer = 1; layer <= 2; layer++) {
                float[] rows = PretrainedEmbeddings.open(Fixtures.tinyBert(), layer).rows(pieces, template, manager);
                float[] reference = expected.get("layer" + layer).toFloatArray();
                assertTrue(maxAbsDifference(reference, rows) < 1e-6, "layer " + layer + ": "
                        + maxAbsDifference(reference, rows));
                assertTrue(maxAbsDifference(matrixRows, rows) > 1e-2, "layer " + layer + " is not the matrix");
            }
        }
    }

    /** A frozen table from layer 2 is saved as encoded, says which layer it came from, and predicts on reload. */
    @Test
    void aTableFromAnEncoderLayerIsRecordedAndKept() throws Exception {
        Path out = tmp.resolve("cnn-layer2");
        TrainedClassifier trained = trainer(ModelKind.CNN, out).initEmbeddings(Fixtures.tinyBert())
                .initEmbeddingsLayer(2).freezeEmbeddings(true).epochs(1).build().fit();
        JsonObject from = json(out.resolve("config.json")).getAsJsonObject("embeddings_from");
        assertEquals(2, from.get("layer").getAsInt());
        long[] pieces = savedRows(out);
        try (NDManager manager = NDManager.newBaseManager();
                HfTokenizer tokenizer = HfTokenizer.builder().setPath(Fixtures.tinyBert()).build()) {
            long[] template = tokenizer.encode(List.of("")).inputIds()[0];
            float[] encoded = PretrainedEmbeddings.open(Fixtures.tinyBert(), 2).rows(pieces, template, manager);
            assertArrayEquals(encoded, savedEmbeddings(out));
        }
        try (ClassifierModel loaded = ClassifierModel.load(out, DeviceChoice.CPU)) {
            assertEquals(trained.devMetrics().orElseThrow().confusion(), loaded.evaluate(dev).confusion());
        }
    }

    @Test
    void badEmbeddingDirectoriesAndCombinationsSayWhatIsWrong() throws Exception {
        Path noTokenizer = Files.createDirectories(tmp.resolve("no-tokenizer"));
        CheckpointException missing =
                assertThrows(CheckpointException.class, () -> PretrainedEmbeddings.open(noTokenizer, 0));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());

        Path noMatrix = Files.createDirectories(tmp.resolve("no-matrix"));
        Files.copy(checkpoint.resolve(HfTokenizer.TOKENIZER_FILE), noMatrix.resolve(HfTokenizer.TOKENIZER_FILE));
        Files.copy(checkpoint.resolve("config.json"), noMatrix.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            SafeTensors.write(noMatrix.resolve("model.safetensors"),
                    Map.of("pooler.dense.weight", manager.ones(new Shape(2, 2))));
        }
        CheckpointException none = assertThrows(CheckpointException.class, () -> PretrainedEmbeddings.open(noMatrix, 0));
        assertTrue(none.getMessage().contains("embeddings.word_embeddings.weight"), none.getMessage());

        UserInputException bert = assertThrows(UserInputException.class, () -> trainer(ModelKind.BERT,
                tmp.resolve("x")).init(Fixtures.tinyBert()).initEmbeddings(checkpoint).build());
        assertTrue(bert.getMessage().contains("--init-embeddings"), bert.getMessage());
        UserInputException frozen = assertThrows(UserInputException.class,
                () -> trainer(ModelKind.CNN, tmp.resolve("x")).freezeEmbeddings(true).build());
        assertTrue(frozen.getMessage().contains("--init-embeddings"), frozen.getMessage());

        CheckpointException deep =
                assertThrows(CheckpointException.class, () -> PretrainedEmbeddings.open(Fixtures.tinyBert(), 3));
        assertTrue(deep.getMessage().contains("config.json") && deep.getMessage().contains("has 2 hidden layers"),
                deep.getMessage());
        UserInputException negative = assertThrows(UserInputException.class, () -> trainer(ModelKind.CNN,
                tmp.resolve("x")).initEmbeddings(checkpoint).initEmbeddingsLayer(-1).build());
        assertTrue(negative.getMessage().contains("got -1"), negative.getMessage());
        UserInputException layerAlone = assertThrows(UserInputException.class,
                () -> trainer(ModelKind.CNN, tmp.resolve("x")).initEmbeddingsLayer(1).build());
        assertTrue(layerAlone.getMessage().contains("--init-embeddings"), layerAlone.getMessage());
    }
}
