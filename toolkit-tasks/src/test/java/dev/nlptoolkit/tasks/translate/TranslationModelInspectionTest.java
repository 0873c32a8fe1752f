package dev.nlptoolkit.tasks.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a loaded translator says about itself (config, provenance) and the charts drawn from it. */
class TranslationModelInspectionTest {

    private static final int STEPS = 4;

    @TempDir static Path tmp;

    private static Path dir;
    private static ParallelCorpus corpus;

    @BeforeAll
    static void train() throws Exception {
        TinyCorpus.singleThreaded();
        corpus = new ParallelCorpus(Path.of("tiny.en"), Path.of("tiny.de"), TinyCorpus.pairs(TinyCorpus.PAIRS));
        dir = tmp.resolve("model");
        TranslatorTrainer.builder().model(Seq2SeqModelType.TRANSFORMER).train(corpus).dev(corpus.head(8))
                .outputDir(dir).vocabSize(300).maxTokens(500).warmupSteps(2).modelConfig(TinyCorpus.tinyTransformer())
                .maxSteps(STEPS).evaluateEvery(2).bleuSample(8).seed(7).progress(false).build().fit();
    }

    @Test
    void configAndProvenanceAreWhatTrainingWrote() throws Exception {
        try (TranslationModel model = TranslationModel.load(dir)) {
            JsonObject config = model.config().toJson();
            assertEquals("transformer", config.get("model_type").getAsString());
            assertEquals(32, config.get("embedding_size").getAsInt());
            assertEquals(2, config.get("num_heads").getAsInt());
            assertEquals(300, config.get("target_vocab_size").getAsInt());

            JsonObject training = model.training().orElseThrow();
            assertEquals(STEPS, training.get("steps").getAsInt());
            assertEquals(7, training.get("seed").getAsInt());
            assertEquals(TinyCorpus.PAIRS, training.get("train_pairs").getAsInt());
            assertEquals("nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0",
                    training.get("dev_bleu_signature").getAsString());
        }
    }

    @Test
    void aDirectoryWithoutProvenanceHasNone(@TempDir Path copy) throws Exception {
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(dir.resolve(file), copy.resolve(file));
        }
        try (TranslationModel model = TranslationModel.load(copy)) {
            assertTrue(model.training().isEmpty());
            Files.writeString(copy.resolve(RunFiles.PROVENANCE_FILE), "[1, 2]");
            CheckpointException e = assertThrows(CheckpointException.class, model::training);
            assertTrue(e.getMessage().contains(RunFiles.PROVENANCE_FILE), e.getMessage());
        }
        IOException e = assertThrows(IOException.class, () -> TranslationPlots.trainingCurves(copy));
        assertTrue(e.getMessage().contains(RunFiles.LOG_FILE), e.getMessage());
    }

    @Test
    void trainingCurvesShowLossAndDevBleuSideBySide() throws Exception {
        BufferedImage curves = TranslationPlots.trainingCurves(dir);
        // two panels of the same size: loss, then dev BLEU
        assertTrue(curves.getWidth() > 2 * curves.getHeight(), curves.getWidth() + " x " + curves.getHeight());
    }

    @Test
    void alignmentPlotsADecodedTranslationWithItsEndOfSentenceTokens() throws Exception {
        Translation t;
        try (TranslationModel model = TranslationModel.load(dir)) {
            t = model.translateNbest(List.of(corpus.sources().get(0)), DecodeOptions.greedy().withMaxLength(0, 5), 1,
                    true).get(0).get(0);
        }
        assertEquals(t.targetTokens().size() + 1, t.alignment().length);
        assertEquals(t.sourceTokens().size() + 1, t.alignment()[0].length);
        assertNotNull(TranslationPlots.alignment(t, "title"));

        float[][] identity = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        assertNotNull(TranslationPlots.alignment(
                new Translation("x y", -1, List.of("a", "b"), List.of("x", "y"), identity), null));
        // without the row of the </s> step, the alignment does not match the tokens
        float[][] noEosRow = {{1, 0, 0}, {0, 1, 0}};
        assertThrows(IllegalArgumentException.class, () -> TranslationPlots.alignment(
                new Translation("x y", -1, List.of("a", "b"), List.of("x", "y"), noEosRow), null));
    }

    @Test
    void aTranslationWithoutAlignmentSaysHowToGetOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TranslationPlots.alignment(
                new Translation("x", -1, List.of("a"), List.of("x"), null), null));
        assertTrue(e.getMessage().contains("alignments = true"), e.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> TranslationPlots.alignment(new Translation("", 0, List.of(), List.of(), null), null));
        assertTrue(empty.getMessage().contains("empty source"), empty.getMessage());
    }
}
