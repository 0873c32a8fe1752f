package dev.nlptoolkit.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The Java learner against Hugging Face tokenizers' BpeTrainer (fixtures: tools/fixtures/make_bpe_fixture.py). */
class BpeTrainerTest {

    private static Path fixtures;
    private static List<String> corpus;

    @BeforeAll
    static void readCorpus() throws Exception {
        fixtures = Paths.get(BpeTrainerTest.class.getResource("/fixtures/bpe").toURI());
        // Split on \n only, as the fixture script does: a Java readLine would also split on \r.
        String text = Files.readString(fixtures.resolve("corpus.txt"));
        corpus = Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    }

    private static JsonObject readJson(Path file) throws Exception {
        try (Reader reader = file.toString().endsWith(".gz")
                ? new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8)
                : Files.newBufferedReader(file)) {
            return JsonParser.parseReader(reader).getAsJsonObject();
        }
    }

    @Test
    void smallCorpusGivesTheTokenizerJsonOfTokenizersBpeTrainer() throws Exception {
        assertEquals(610, corpus.size());
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(500).optMinFrequency(2).build().train(corpus);

        JsonObject expected = readJson(fixtures.resolve("small.tokenizer.json"));
        assertEquals(500, vocabulary.size());
        JsonObject model = vocabulary.toTokenizerJson().getAsJsonObject("model");
        assertEquals(expected.getAsJsonObject("model").get("vocab"), model.get("vocab"));
        assertEquals(expected.getAsJsonObject("model").get("merges"), model.get("merges"));
        // Every other key too: pre-tokenizer, decoder, added tokens, model options.
        assertEquals(expected, vocabulary.toTokenizerJson());
    }

    @Test
    void minFrequencyStopsLearningWhereTokenizersStops() throws Exception {
        BpeVocabulary vocabulary =
                BpeTrainer.builder().optVocabularySize(100_000).optMinFrequency(4).build().train(corpus);

        JsonObject expected = readJson(fixtures.resolve("min-frequency.tokenizer.json"));
        assertEquals(1094, vocabulary.size());
        assertEquals(expected, vocabulary.toTokenizerJson());
    }

    @Test
    void multi30kWithDefaultsGivesTheVocabularyAndMergesOfTokenizers() throws Exception {
        BpeVocabulary vocabulary = Multi30kBpe.vocabulary();

        JsonObject expected = readJson(fixtures.resolve("multi30k-8000.json.gz"));
        List<String> expectedTokens = new ArrayList<>();
        expected.getAsJsonArray("vocab").forEach(token -> expectedTokens.add(token.getAsString()));
        assertEquals(BpeTrainer.DEFAULT_VOCABULARY_SIZE, vocabulary.size());
        assertEquals(expectedTokens, vocabulary.tokens());
        JsonArray merges = expected.getAsJsonArray("merges");
        assertEquals(merges.size(), vocabulary.merges().size());
        for (int rank = 0; rank < merges.size(); rank++) {
            JsonArray pair = merges.get(rank).getAsJsonArray();
            assertEquals(new BpeVocabulary.Merge(pair.get(0).getAsString(), pair.get(1).getAsString()),
                    vocabulary.merges().get(rank), "merge " + rank);
        }
    }

    @Test
    void equalCountsGoToThePairOfSmallerIdsNotTheSmallerStrings() {
        // Words "▁abz" twice and "▁za" once. After a+b, the pairs (▁, ab) and (ab, z) both occur twice:
        // ids ▁ = 8 < ab = 9 pick (▁, ab); string order ("ab" < "▁") would pick (ab, z). Checked
        // against tokenizers 0.23: [a b] [▁ ab] [▁ab z].
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(100).optMinFrequency(2).build()
                .train(List.of("abz abz za"));

        assertEquals(List.of(new BpeVocabulary.Merge("a", "b"), new BpeVocabulary.Merge("\u2581", "ab"),
                new BpeVocabulary.Merge("\u2581ab", "z")), vocabulary.merges());
        assertEquals(List.of("<pad>", "<unk>", "<s>", "</s>", "a", "b", "z", "\u2581", "ab", "\u2581ab", "\u2581abz"),
                vocabulary.tokens());
    }

    @Test
    void charactersAreCodePointsInCodePointOrder() {
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(100).optMinFrequency(2).build()
                .train(List.of("\uD83D\uDE00\uFF01 \uD83D\uDE00\uFF01"));

        // U+1F600 is one symbol and sorts after U+FF01, though its UTF-16 form (D83D DE00) sorts before.
        // Checked against tokenizers 0.23.
        assertEquals(List.of("<pad>", "<unk>", "<s>", "</s>", "\u2581", "\uFF01", "\uD83D\uDE00", "\u2581\uD83D\uDE00",
                "\u2581\uD83D\uDE00\uFF01"), vocabulary.tokens());
    }

    @Test
    void sourceAndTargetAreLearnedJointly() {
        BpeTrainer trainer = BpeTrainer.builder().optVocabularySize(100).optMinFrequency(2).build();

        BpeVocabulary joint = trainer.train(List.of("Haus Haus"), List.of("house house"));

        assertEquals(trainer.train(List.of("Haus Haus", "house house")).tokens(), joint.tokens());
        assertTrue(joint.id("\u2581Haus") > 0 && joint.id("\u2581house") > 0, joint.tokens().toString());
    }

    @Test
    void writesATokenizerJsonThatReadsBackAsWritten(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(500).build().train(corpus);

        Path file = vocabulary.write(dir);

        assertEquals(dir.resolve("tokenizer.json"), file);
        JsonElement written = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
        assertEquals(vocabulary.toTokenizerJson(), written);
        assertTrue(Files.readString(file).contains("\"<unk>\": 1"), "special tokens are written unescaped");
    }

    @Test
    void rejectsAVocabularyTooSmallForTheSpecialTokens() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BpeTrainer.builder().optVocabularySize(4).build());
        assertTrue(e.getMessage().contains("special tokens"), e.getMessage());
    }
}
