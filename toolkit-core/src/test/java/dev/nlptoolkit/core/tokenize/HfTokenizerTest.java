package dev.nlptoolkit.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.nlptoolkit.core.checkpoint.SafeTensors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

class HfTokenizerTest {

    private static final int BERT_VOCABULARY = 30522;

    private static Path dir;
    private static List<String> texts;
    private static List<String> pairs;

    @BeforeAll
    static void readSentences() throws Exception {
        dir = Paths.get(HfTokenizerTest.class.getResource("/fixtures/tiny-bert").toURI());
        JsonObject meta = JsonParser.parseString(Files.readString(dir.resolve("meta.json"))).getAsJsonObject();
        texts = new ArrayList<>();
        pairs = new ArrayList<>();
        for (JsonElement sentence : meta.getAsJsonArray("sentences")) {
            if (sentence.isJsonArray()) {
                JsonArray pair = sentence.getAsJsonArray();
                texts.add(pair.get(0).getAsString());
                pairs.add(pair.get(1).getAsString());
            } else {
                texts.add(sentence.getAsString());
                pairs.add(null);
            }
        }
    }

    @Test
    void givesTheHuggingFaceIdsOfTheFixtureBatch() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.builder().setPath(dir).build();
                NDManager manager = NDManager.newBaseManager()) {
            TokenBatch batch = tokenizer.encode(texts, pairs);
            Map<String, NDArray> expected = SafeTensors.read(dir.resolve("expected.safetensors"), manager);
            NDList actual = batch.toNDList(manager);
            for (NDArray array : actual) {
                NDArray reference = expected.get(array.getName());
                assertEquals(new Shape(4, 15), array.getShape(), array.getName());
                assertEquals(DataType.INT64, array.getDataType());
                assertArrayEquals(reference.toType(DataType.INT64, false).toLongArray(), array.toLongArray(), array.getName());
            }
            assertArrayEquals(new int[] {11, 14, 15, 3}, batch.lengths());
            assertEquals(BERT_VOCABULARY, tokenizer.vocabularySize());
            assertEquals(0, tokenizer.padId());
        }
    }

    @Test
    void tokensLineUpWithIds() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.builder().setPath(dir.resolve("tokenizer.json")).build()) {
            assertEquals(List.of("[CLS]", "ok", "[SEP]"), tokenizer.tokens("ok"));
            assertArrayEquals(new boolean[] {true, false, true}, tokenizer.tokenize("ok").special());
            List<String> tokens = tokenizer.tokens(texts.get(1));
            assertEquals(tokenizer.encode(List.of(texts.get(1))).lengths()[0], tokens.size());
            assertTrue(tokens.contains("cafe"), "BERT uncased strips accents: " + tokens);
        }
    }

    @Test
    void batchOfNEqualsNBatchesOfOne() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.builder().setPath(dir).build()) {
            TokenBatch batch = tokenizer.encode(texts, pairs);
            for (int i = 0; i < texts.size(); i++) {
                TokenBatch single = tokenizer.encode(List.of(texts.get(i)), Collections.singletonList(pairs.get(i)));
                int length = single.lengths()[0];
                assertEquals(length, batch.lengths()[i]);
                assertArrayEquals(single.inputIds()[0], Arrays.copyOf(batch.inputIds()[i], length));
                assertArrayEquals(single.tokenTypeIds()[0], Arrays.copyOf(batch.tokenTypeIds()[i], length));
            }
        }
    }

    @Test
    void truncatesLongestFirstCountingSpecialTokens() throws Exception {
        try (HfTokenizer tokenizer = HfTokenizer.builder().setPath(dir).optMaxLength(8).build()) {
            TokenBatch batch = tokenizer.encode(texts, pairs);
            assertEquals(8, batch.width());
            assertArrayEquals(new int[] {8, 8, 8, 3}, batch.lengths());
            // Reference: tokenizers 0.23.3 (Python), Tokenizer.from_file(...).enable_truncation(8).
            assertArrayEquals(new long[] {101, 2003, 2023, 102, 2748, 1010, 2009, 102}, batch.inputIds()[2]);
            assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1, 1}, batch.tokenTypeIds()[2]);
            assertArrayEquals(new long[] {101, 2019, 14153, 3048, 1010, 17950, 6051, 102}, batch.inputIds()[1]);
        }
    }

    @Test
    void ignoresPaddingAndTruncationStoredInTokenizerJson(@TempDir Path tmp) throws Exception {
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("tokenizer.json"))).getAsJsonObject();
        json.add("padding", JsonParser.parseString("{\"strategy\":{\"Fixed\":40},\"direction\":\"Right\","
                + "\"pad_to_multiple_of\":null,\"pad_id\":0,\"pad_type_id\":0,\"pad_token\":\"[PAD]\"}"));
        json.add("truncation", JsonParser.parseString("{\"direction\":\"Right\",\"max_length\":4,"
                + "\"strategy\":\"LongestFirst\",\"stride\":0}"));
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, json.toString(), StandardCharsets.UTF_8);
        try (HfTokenizer configured = HfTokenizer.builder().setPath(file).build();
                HfTokenizer plain = HfTokenizer.builder().setPath(dir).build()) {
            TokenBatch batch = configured.encode(texts, pairs);
            assertEquals(15, batch.width());
            assertArrayEquals(plain.encode(texts, pairs).inputIds(), batch.inputIds());
        }
    }

    @Test
    void missingFileNamesThePath(@TempDir Path tmp) {
        Exception e = assertThrows(java.io.IOException.class, () -> HfTokenizer.builder().setPath(tmp).build());
        assertTrue(e.getMessage().contains(tmp.resolve("tokenizer.json").toString()), e.getMessage());
    }
}
