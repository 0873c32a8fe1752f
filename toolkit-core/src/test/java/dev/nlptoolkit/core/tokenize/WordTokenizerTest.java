package dev.nlptoolkit.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

class WordTokenizerTest {

    private static final List<String> CORPUS = List.of(
            "The film is good.", "The film isn't bad!", "A good, good film.", "Zebras don't act; the cast does.");

    @Test
    void splitterSeparatesPunctuationAndContractions() {
        WordSplitter splitter = new WordSplitter(true);
        assertEquals(List.of("the", "film", "is", "n't", "bad", "!"), splitter.split("The film isn't bad!"));
        assertEquals(List.of("it", "'s", "a", "well", "-", "made", "café", "from", "2005", "."),
                splitter.split("It\u2019s a well-made CAFÉ from 2005."));
        assertEquals(List.of("does", "n't", "we", "'re", "o", "'", "brien"),
                splitter.split("does n't We're O'Brien"), "SST-2 style and a name with an apostrophe");
        assertEquals(List.of("Ca", "n't", "stop"), new WordSplitter(false).split("Can't stop"));
    }

    @Test
    void idsAreReservedThenByFrequencyThenLexicographic() {
        WordVocabulary vocabulary = WordVocabulary.builder().optExtraTokens(List.of("[CLS]", "[SEP]")).build(CORPUS);
        // Counts: "." film good the 3 each, "is" "n't" 2 each, then words seen once; ties in String order.
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", ".", "film", "good", "the", "is", "n't", "!"),
                vocabulary.tokens().subList(0, 11));
        assertEquals(0, vocabulary.padId());
        assertEquals(1, vocabulary.unkId());
        assertEquals(1, vocabulary.id("never-seen"));
    }

    @Test
    void minFrequencyAndMaxSizeCutTheList() {
        WordVocabulary vocabulary = WordVocabulary.builder().optMinFrequency(3).build(CORPUS);
        assertEquals(List.of("[PAD]", "[UNK]", ".", "film", "good", "the"), vocabulary.tokens());
        assertEquals(List.of("[PAD]", "[UNK]", "."), WordVocabulary.builder().optMaxSize(3).build(CORPUS).tokens());
        assertThrows(IllegalArgumentException.class, () -> WordVocabulary.builder().optMaxSize(1).build(CORPUS));
    }

    @Test
    void saveAndLoadGiveTheSameVocabulary(@TempDir Path tmp) throws IOException {
        WordVocabulary vocabulary = WordVocabulary.builder()
                .optLowerCase(false).optExtraTokens(List.of("<s>", "</s>")).build(CORPUS);
        Path file = tmp.resolve("vocab.json");
        vocabulary.save(file);
        WordVocabulary loaded = WordVocabulary.load(file);
        assertEquals(vocabulary.tokens(), loaded.tokens());
        assertEquals(false, loaded.splitter().lowerCase());
        assertEquals(vocabulary.id("Zebras"), loaded.id("Zebras"));
        Files.writeString(file, "{\"format\":\"something-else\"}");
        IOException e = assertThrows(IOException.class, () -> WordVocabulary.load(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void encodesPaddedBatchesWithTypeIds() {
        WordVocabulary vocabulary = WordVocabulary.builder().optExtraTokens(List.of("[CLS]", "[SEP]")).build(CORPUS);
        WordTokenizer tokenizer = WordTokenizer.builder()
                .setVocabulary(vocabulary).optStartToken("[CLS]").optSeparatorToken("[SEP]").build();
        TokenBatch batch = tokenizer.encode(Arrays.asList("good film", "the unseen film"), Arrays.asList(null, "good ."));
        int cls = vocabulary.id("[CLS]");
        int sep = vocabulary.id("[SEP]");
        long good = vocabulary.id("good");
        long film = vocabulary.id("film");
        long the = vocabulary.id("the");
        long dot = vocabulary.id(".");
        assertArrayEquals(new long[][] {{cls, good, film, 0, 0, 0, 0}, {cls, the, 1, film, sep, good, dot}}, batch.inputIds());
        assertArrayEquals(new long[][] {{0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1, 1}}, batch.tokenTypeIds());
        assertArrayEquals(new long[][] {{1, 1, 1, 0, 0, 0, 0}, {1, 1, 1, 1, 1, 1, 1}}, batch.attentionMask());
        assertArrayEquals(new int[] {3, 7}, batch.lengths());
        assertEquals(List.of("[CLS]", "the", "unseen", "film"), tokenizer.tokens("the unseen film"));
        assertArrayEquals(new boolean[] {true, false, false, false}, tokenizer.tokenize("the unseen film").special());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ids = batch.inputIds(manager);
            assertEquals(new Shape(2, 7), ids.getShape());
            assertEquals(DataType.INT64, ids.getDataType());
        }
    }

    @Test
    void truncatesTheLongerTextFirstAndAddsEndTokens() {
        WordVocabulary vocabulary = WordVocabulary.builder().optExtraTokens(List.of("<s>", "</s>", "[SEP]")).build(CORPUS);
        WordTokenizer tokenizer = WordTokenizer.builder().setVocabulary(vocabulary)
                .optStartToken("<s>").optEndToken("</s>").optSeparatorToken("[SEP]").optMaxLength(7).build();
        assertEquals(List.of("<s>", "a", "good", ",", "good", "film", "</s>"), tokenizer.tokens("A good, good film."));
        assertArrayEquals(new boolean[] {true, false, false, false, false, false, true},
                tokenizer.tokenize("A good, good film.").special());
        TokenBatch pair = tokenizer.encode(List.of("a b c d e"), List.of("x y"));
        // 7 - 3 special tokens leave 4 words: "a b c d e" loses 3, "x y" none.
        assertEquals(List.of("<s>", "a", "b", "[SEP]", "x", "y", "</s>").stream().map(vocabulary::id).mapToLong(Integer::longValue)
                .boxed().toList(), Arrays.stream(pair.inputIds()[0]).boxed().toList());
        assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1}, pair.tokenTypeIds()[0]);
    }

    @Test
    void specialTokensMustBeReserved() {
        WordVocabulary vocabulary = WordVocabulary.builder().build(CORPUS);
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> WordTokenizer.builder().setVocabulary(vocabulary).optStartToken("[CLS]").build());
        assertTrue(e.getMessage().contains("optExtraTokens"), e.getMessage());
        WordTokenizer noSeparator = WordTokenizer.builder().setVocabulary(vocabulary).build();
        assertThrows(IllegalArgumentException.class, () -> noSeparator.encode(List.of("a"), List.of("b")));
    }
}
