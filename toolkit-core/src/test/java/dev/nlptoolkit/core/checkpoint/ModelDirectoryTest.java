package dev.nlptoolkit.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class ModelDirectoryTest {

    private static final int TINY_BERT_TENSORS = 41;
    private static final String FIRST_SHARD = "model-00001-of-00002.safetensors";
    private static final String SECOND_SHARD = "model-00002-of-00002.safetensors";

    @TempDir Path tmp;

    private static Path tinyBert() throws Exception {
        return SafeTensorsTest.fixture("tiny-bert");
    }

    /**
     * Copies tiny-bert into {@code target} as transformers shards it: the first half of the tensors in
     * one shard, the rest in another, and an index mapping each tensor to its shard.
     */
    static void writeShardedCopy(Path source, Path target) throws Exception {
        Files.createDirectories(target);
        Files.copy(source.resolve(ModelDirectory.CONFIG_FILE), target.resolve(ModelDirectory.CONFIG_FILE));
        JsonObject weightMap = new JsonObject();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Map.Entry<String, NDArray>> all =
                    new ArrayList<>(SafeTensors.read(source.resolve(ModelDirectory.WEIGHTS_FILE), manager).entrySet());
            Map<String, NDArray> first = new LinkedHashMap<>();
            Map<String, NDArray> second = new LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                boolean inFirst = i < all.size() / 2;
                (inFirst ? first : second).put(all.get(i).getKey(), all.get(i).getValue());
                weightMap.addProperty(all.get(i).getKey(), inFirst ? FIRST_SHARD : SECOND_SHARD);
            }
            SafeTensors.write(target.resolve(FIRST_SHARD), first, Map.of("format", "pt"));
            SafeTensors.write(target.resolve(SECOND_SHARD), second, Map.of("format", "pt"));
        }
        writeIndex(target, weightMap);
    }

    private static void writeIndex(Path dir, JsonObject weightMap) throws IOException {
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", weightMap);
        Files.writeString(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE), index.toString());
    }

    private static JsonObject weightMap(Path dir) throws Exception {
        return JsonFiles.readObject(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE)).getAsJsonObject("weight_map");
    }

    private static void assertMentions(String fragment, Exception e) {
        assertTrue(e.getMessage().contains(fragment), () -> "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void opensTheTinyBertDirectory() throws Exception {
        ModelDirectory model = ModelDirectory.open(tinyBert());
        assertEquals(32, model.config().get("hidden_size").getAsInt());
        assertEquals(1, model.headers().size());
        assertEquals(TINY_BERT_TENSORS, model.headers().get(0).tensors().size());
        assertEquals(tinyBert().resolve("tokenizer.json"), model.tokenizerFile().orElseThrow());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = model.readWeights(manager);
            assertEquals(TINY_BERT_TENSORS, weights.size());
            assertEquals(model.headers().get(0).tensors().keySet(), weights.keySet());
        }
    }

    @Test
    void configIsACopy() throws Exception {
        ModelDirectory model = ModelDirectory.open(tinyBert());
        model.config().addProperty("hidden_size", 1);
        assertEquals(32, model.config().get("hidden_size").getAsInt());
    }

    @Test
    void shardedWeightsReadAsTheSingleFile() throws Exception {
        Path sharded = tmp.resolve("sharded");
        writeShardedCopy(tinyBert(), sharded);
        ModelDirectory model = ModelDirectory.open(sharded);
        assertEquals(2, model.headers().size());
        assertTrue(model.tokenizerFile().isEmpty());
        assertEquals(
                List.of(
                        sharded.resolve(ModelDirectory.CONFIG_FILE),
                        sharded.resolve(ModelDirectory.WEIGHTS_INDEX_FILE),
                        sharded.resolve(FIRST_SHARD),
                        sharded.resolve(SECOND_SHARD)),
                model.files());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> fromShards = model.readWeights(manager);
            Map<String, NDArray> fromSingle = ModelDirectory.open(tinyBert()).readWeights(manager);
            assertEquals(List.copyOf(fromSingle.keySet()), List.copyOf(fromShards.keySet()));
            for (String name : fromSingle.keySet()) {
                assertArrayEquals(
                        fromSingle.get(name).toFloatArray(), fromShards.get(name).toFloatArray(), 0f, name);
            }
        }
    }

    @Test
    void indexNamesATensorItsShardLacks() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        JsonObject map = weightMap(dir);
        map.addProperty("ghost.weight", SECOND_SHARD);
        writeIndex(dir, map);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE), e.file());
        assertEquals("ghost.weight", e.tensor());
        assertMentions(SECOND_SHARD, e);
    }

    @Test
    void shardHoldsATensorTheIndexOmits() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        JsonObject map = weightMap(dir);
        map.remove("classifier.bias");
        writeIndex(dir, map);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(dir.resolve(SECOND_SHARD), e.file());
        assertEquals("classifier.bias", e.tensor());
        assertMentions("does not map it here", e);
    }

    @Test
    void tensorMappedToTheWrongShard() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        JsonObject map = weightMap(dir);
        map.addProperty("classifier.bias", FIRST_SHARD);
        writeIndex(dir, map);
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals("classifier.bias", e.tensor());
    }

    @Test
    void shardOutsideTheDirectory() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        Files.copy(dir.resolve(SECOND_SHARD), tmp.resolve("escaped.safetensors"));
        for (String escape : new String[] {"../escaped.safetensors", tmp.resolve("escaped.safetensors").toString()}) {
            JsonObject map = weightMap(dir);
            map.keySet().stream()
                    .filter(k -> !map.get(k).getAsString().equals(FIRST_SHARD))
                    .toList()
                    .forEach(k -> map.addProperty(k, escape));
            writeIndex(dir, map);
            CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
            assertMentions("lies outside the model directory", e);
            assertMentions(escape, e);
        }
    }

    @Test
    void missingShard() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        Files.delete(dir.resolve(FIRST_SHARD));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertMentions(FIRST_SHARD + "' does not exist", e);
    }

    @Test
    void corruptShardIsNamed() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        Path shard = dir.resolve(SECOND_SHARD);
        byte[] bytes = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(shard, e.file());
    }

    @Test
    void indexWithoutWeightMap() throws Exception {
        Path dir = tmp.resolve("m");
        writeShardedCopy(tinyBert(), dir);
        Files.writeString(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE), "{\"metadata\": {}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE), e.file());
        assertMentions("weight_map", e);
    }

    @Test
    void badConfigJsonNamesTheFile() throws Exception {
        Path dir = tmp.resolve("m");
        ModelDirectory.write(dir, new JsonObject(), Map.of());
        Path config = dir.resolve(ModelDirectory.CONFIG_FILE);
        Files.writeString(config, "{\"hidden_size\": 32,}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(config, e.file());
        assertMentions("is not valid JSON", e);
        Files.write(config, new byte[] {'{', (byte) 0xFF, '}'});
        assertMentions("UTF-8", assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir)));
        Files.writeString(config, "[]");
        assertMentions("JSON object", assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir)));
        Files.delete(config);
        assertMentions("is missing", assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir)));
    }

    @Test
    void refusesPickleCheckpoints() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("legacy"));
        Files.copy(tinyBert().resolve(ModelDirectory.CONFIG_FILE), dir.resolve(ModelDirectory.CONFIG_FILE));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        CheckpointException e = assertThrows(CheckpointException.class, () -> ModelDirectory.open(dir));
        assertEquals(dir, e.file());
        assertMentions("pytorch_model.bin", e);
        assertMentions("never load", e);
        assertMentions("save_pretrained('" + dir.toAbsolutePath() + "', safe_serialization=True)", e);
        assertMentions("safetensors.torch import save_file", e);
        assertFalse(e.getMessage().contains("\n"), "one line, for the command line");

        CheckpointException direct = ModelDirectory.pickleRefused(dir.resolve("pytorch_model.bin"));
        assertEquals(dir.resolve("pytorch_model.bin"), direct.file());
        assertTrue(ModelDirectory.isPickle(dir.resolve("pytorch_model.bin")));
        assertFalse(ModelDirectory.isPickle(dir.resolve(ModelDirectory.CONFIG_FILE)));
    }

    @Test
    void emptyDirectoryAndBothWeightFormats() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertMentions("holds neither", assertThrows(CheckpointException.class, () -> ModelDirectory.open(empty)));
        Path both = tmp.resolve("both");
        writeShardedCopy(tinyBert(), both);
        Files.copy(tinyBert().resolve(ModelDirectory.WEIGHTS_FILE), both.resolve(ModelDirectory.WEIGHTS_FILE));
        assertMentions("holds both", assertThrows(CheckpointException.class, () -> ModelDirectory.open(both)));
        assertMentions(
                "is not a directory",
                assertThrows(CheckpointException.class, () -> ModelDirectory.open(tmp.resolve("absent"))));
    }

    @Test
    void writeThenOpenRoundTrips() throws Exception {
        Path dir = tmp.resolve("saved");
        // A stale sharded checkpoint must not survive a single-file save.
        writeShardedCopy(tinyBert(), dir);
        ModelDirectory source = ModelDirectory.open(tinyBert());
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> weights = source.readWeights(manager);
            ModelDirectory.write(dir, source.config(), weights);
            ModelDirectory saved = ModelDirectory.open(dir);
            assertEquals(source.config(), saved.config());
            assertEquals(Map.of("format", "pt"), saved.headers().get(0).metadata());
            assertFalse(Files.exists(dir.resolve(ModelDirectory.WEIGHTS_INDEX_FILE)));
            Map<String, NDArray> reread = saved.readWeights(manager);
            assertEquals(weights.keySet(), reread.keySet());
            for (String name : weights.keySet()) {
                assertArrayEquals(weights.get(name).toFloatArray(), reread.get(name).toFloatArray(), 0f, name);
            }
        }
        String configText = Files.readString(dir.resolve(ModelDirectory.CONFIG_FILE));
        assertTrue(configText.startsWith("{\n  \""), "indented as transformers writes it");
        assertTrue(configText.contains("1e-12"), "numbers keep their written form");
    }

    @Test
    void failingWriteLeavesThePreviousFileIntact() throws Exception {
        Path target = tmp.resolve("config.json");
        AtomicFiles.writeString(target, "{\"version\": 1}");
        IOException failure = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write("{\"version\": 2, \"half".getBytes(StandardCharsets.UTF_8));
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", failure.getMessage());
        assertEquals("{\"version\": 1}", Files.readString(target));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(target), files.toList(), "no temporary file is left behind");
        }
    }
}
