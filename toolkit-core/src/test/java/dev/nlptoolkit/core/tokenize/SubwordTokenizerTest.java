package dev.nlptoolkit.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

class SubwordTokenizerTest {

    @Test
    void encodesAsPythonTokenizersDoesWithTheFileItTrained(@TempDir Path dir) throws Exception {
        Path fixtures = Paths.get(SubwordTokenizerTest.class.getResource("/fixtures/bpe").toURI());
        String text = Files.readString(fixtures.resolve("corpus.txt"));
        List<String> corpus = List.of(text.substring(0, text.length() - 1).split("\n", -1));
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(500).optMinFrequency(2).build().train(corpus);
        JsonObject probes = JsonParser.parseString(Files.readString(fixtures.resolve("probes.json"))).getAsJsonObject();

        try (SubwordTokenizer ours = SubwordTokenizer.load(vocabulary.write(dir));
                SubwordTokenizer theirs = SubwordTokenizer.load(fixtures.resolve("small.tokenizer.json"))) {
            assertEquals(500, ours.vocabularySize());
            for (JsonElement element : probes.getAsJsonArray("probes")) {
                JsonObject probe = element.getAsJsonObject();
                String sentence = probe.get("text").getAsString();
                long[] expected =
                        probe.getAsJsonArray("ids").asList().stream().mapToLong(JsonElement::getAsLong).toArray();
                List<String> tokens =
                        probe.getAsJsonArray("tokens").asList().stream().map(JsonElement::getAsString).toList();
                SubwordEncoding encoding = ours.encode(sentence);
                assertArrayEquals(expected, encoding.ids(), sentence);
                assertEquals(tokens, encoding.tokens(), sentence);
                assertEquals(tokens, ours.tokens(encoding.ids()), sentence);
                assertArrayEquals(expected, theirs.encode(sentence).ids(), sentence);
                assertEquals(probe.get("decoded").getAsString(), ours.decode(encoding.ids()), sentence);
            }
        }
    }

    @Test
    void roundTripsEveryMulti30kValidationSentence(@TempDir Path dir) throws Exception {
        List<String> validation = new ArrayList<>(Multi30kBpe.lines("val.en"));
        validation.addAll(Multi30kBpe.lines("val.de"));

        try (SubwordTokenizer tokenizer = SubwordTokenizer.load(Multi30kBpe.vocabulary().write(dir))) {
            List<SubwordEncoding> encoded = tokenizer.encode(validation);
            assertEquals(2028, encoded.size());
            long subwords = 0;
            for (int i = 0; i < validation.size(); i++) {
                SubwordEncoding encoding = encoded.get(i);
                assertEquals(0, encoding.unknownCount(), validation.get(i));
                assertEquals(validation.get(i), tokenizer.decode(encoding.ids()), "sentence " + i);
                subwords += encoding.ids().length;
            }
            // Multi30k sentences average 12-13 words; 8,000 symbols split few of them.
            double perSentence = (double) subwords / validation.size();
            assertTrue(perSentence > 12 && perSentence < 20, "subwords per sentence: " + perSentence);
        }
    }

    @Test
    void unseenCharactersBecomeCountedUnknownsThatDecodeVisibly(@TempDir Path dir) throws Exception {
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(50).build().train(List.of("ab ab ab"));

        try (SubwordTokenizer tokenizer = SubwordTokenizer.load(vocabulary.write(dir))) {
            SubwordEncoding encoding = tokenizer.encode("ab x\uD83D\uDE80b");

            assertEquals(List.of("\u2581ab", "\u2581", "<unk>", "<unk>", "b"), encoding.tokens());
            assertEquals(2, encoding.unknownCount());
            assertEquals("ab <unk><unk>b", tokenizer.decode(encoding.ids()));
            List<SubwordEncoding> batch = tokenizer.encode(List.of("ab", "xx"));
            assertEquals(List.of(0, 2), batch.stream().map(SubwordEncoding::unknownCount).toList());
        }
    }

    @Test
    void decodeLeavesOutPaddingAndSentenceMarks(@TempDir Path dir) throws Exception {
        BpeVocabulary vocabulary = BpeTrainer.builder().optVocabularySize(50).build().train(List.of("ab ab ab"));

        try (SubwordTokenizer tokenizer = SubwordTokenizer.load(vocabulary.write(dir))) {
            long ab = vocabulary.id("\u2581ab");
            long pad = BpeVocabulary.PAD_ID;
            long[] ids = {BpeVocabulary.BOS_ID, ab, ab, BpeVocabulary.EOS_ID, pad, pad};
            assertEquals("ab ab", tokenizer.decode(ids));
            assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new long[] {50}));
        }
    }

    @Test
    void refusesATokenizerWhoseSpecialTokensHaveOtherIds() throws Exception {
        Path bert = Paths.get(SubwordTokenizerTest.class.getResource("/fixtures/tiny-bert/tokenizer.json").toURI());

        Exception e = assertThrows(java.io.IOException.class, () -> SubwordTokenizer.load(bert));
        assertTrue(e.getMessage().contains("BPE"), e.getMessage());
    }
}
