package dev.nlptoolkit.tasks.translate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.data.SentencePair;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Java API: train, save, load, translate; resume; what the builder refuses. */
class TranslatorTrainerTest {

    private static final int STEPS = 6;
    private static final int HALF = 3;

    @TempDir Path tmp;

    private static ParallelCorpus corpus;

    @BeforeAll
    static void data() throws Exception {
        TinyCorpus.singleThreaded();
        List<SentencePair> pairs = TinyCorpus.pairs(TinyCorpus.PAIRS);
        corpus = new ParallelCorpus(Path.of("tiny.en"), Path.of("tiny.de"), pairs);
    }

    private static TranslatorTrainer.Builder trainer(Seq2SeqModelType type, Path out) {
        JsonObject config = type == Seq2SeqModelType.TRANSFORMER ? TinyCorpus.tinyTransformer() : tinyLstm();
        return TranslatorTrainer.builder().model(type).train(corpus).outputDir(out).vocabSize(300).maxTokens(500)
                .warmupSteps(2).modelConfig(config).progress(false);
    }

    private static JsonObject tinyLstm() {
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", 16);
        config.addProperty("encoder_hidden_size", 16);
        config.addProperty("decoder_hidden_size", 24);
        config.addProperty("attention_size", 16);
        return config;
    }

    @Test
    void stopAndResumeSavesTheSameWeightsAsOneRun() throws Exception {
        Path straight = tmp.resolve("straight");
        TrainedTranslator full = trainer(Seq2SeqModelType.TRANSFORMER, straight).maxSteps(STEPS).build().fit();
        assertEquals(STEPS, full.training().steps());
        assertEquals(TrainingResult.StopReason.STEP_LIMIT, full.training().reason());

        Path split = tmp.resolve("split");
        assertEquals(HALF, trainer(Seq2SeqModelType.TRANSFORMER, split).maxSteps(HALF).build().fit().training().steps());
        TrainedTranslator resumed = trainer(Seq2SeqModelType.TRANSFORMER, split).maxSteps(STEPS).resume(true).build()
                .fit();
        assertEquals(STEPS, resumed.training().steps());
        assertArrayEquals(Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(split.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(straight.resolve("tokenizer.json")),
                Files.readAllBytes(split.resolve("tokenizer.json")));
    }

    @Test
    void lstmModelTranslatesInInputOrderWhateverTheBatching() throws Exception {
        Path out = tmp.resolve("lstm");
        trainer(Seq2SeqModelType.LSTM_ATTENTION, out).maxSteps(4).build().fit();
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sources.add(i % 4 == 1 ? "" : corpus.sources().get(i));
        }
        DecodeOptions options = DecodeOptions.greedy().withMaxLength(0, 6);
        try (TranslationModel model = TranslationModel.load(out)) {
            assertEquals(Seq2SeqModelType.LSTM_ATTENTION, model.modelType());
            List<String> batched = model.translate(sources, options, 4);
            assertEquals(sources.size(), batched.size());
            List<String> one = new ArrayList<>();
            for (String source : sources) {
                one.addAll(model.translate(List.of(source), options, 1));
            }
            // Length-sorted batches of 4 give what one sentence at a time gives, in the same order.
            assertEquals(one, batched);
            for (int i = 0; i < sources.size(); i++) {
                assertEquals(sources.get(i).isEmpty(), batched.get(i).isEmpty(), "line " + i + ": " + batched.get(i));
            }
        }
    }

    @Test
    void aDirectoryThatIsNotATranslatorSaysWhatItIs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("not-a-translator"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bert\"}");
        Files.write(dir.resolve("model.safetensors"), new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ',
            ' ', ' '});
        CheckpointException e = assertThrows(CheckpointException.class, () -> TranslationModel.load(dir));
        assertTrue(e.getMessage().contains("model_type 'bert' is not a translator"), e.getMessage());
    }

    @Test
    void theBuilderRefusesWhatCannotWork() {
        Path out = tmp.resolve("never");
        IllegalArgumentException noDev = assertThrows(IllegalArgumentException.class,
                () -> trainer(Seq2SeqModelType.TRANSFORMER, out).averageLast(3).build());
        assertTrue(noDev.getMessage().contains("give dev data"), noDev.getMessage());
        JsonObject vocab = new JsonObject();
        vocab.addProperty("target_vocab_size", 10);
        UserInputException fixed = assertThrows(UserInputException.class,
                () -> trainer(Seq2SeqModelType.TRANSFORMER, out).modelConfig(vocab).maxSteps(1).build().fit());
        assertTrue(fixed.getMessage().contains("'target_vocab_size' is set by the trainer"), fixed.getMessage());
        JsonObject unknown = new JsonObject();
        unknown.addProperty("layers", 2);
        UserInputException typo = assertThrows(UserInputException.class,
                () -> trainer(Seq2SeqModelType.TRANSFORMER, out).modelConfig(unknown).maxSteps(1).build().fit());
        assertTrue(typo.getMessage().contains("layers"), typo.getMessage());
    }
}
