package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.checkpoint.TensorInfo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class InspectCommandTest {

    private static final int TINY_BERT_TENSORS = 41;
    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir Path tmp;

    private static Path tinyBert() throws Exception {
        return Paths.get(InspectCommandTest.class.getResource("/fixtures/tiny-bert").toURI());
    }

    /** BertForSequenceClassification's parameter count, from the sizes in config.json. */
    private static long expectedParameters(Path configFile) throws Exception {
        JsonObject c = JsonParser.parseString(Files.readString(configFile)).getAsJsonObject();
        long hidden = c.get("hidden_size").getAsLong();
        long inner = c.get("intermediate_size").getAsLong();
        long layerNorm = 2 * hidden;
        long embeddings = (c.get("vocab_size").getAsLong()
                        + c.get("max_position_embeddings").getAsLong()
                        + c.get("type_vocab_size").getAsLong())
                        * hidden
                + layerNorm;
        long attention = 4 * (hidden * hidden + hidden) + layerNorm; // q, k, v, output projection
        long feedForward = (hidden * inner + inner) + (inner * hidden + hidden) + layerNorm;
        long layers = c.get("num_hidden_layers").getAsLong() * (attention + feedForward);
        long pooler = hidden * hidden + hidden;
        long labels = 2; // num_labels is not in config.json: transformers' default
        long classifier = labels * hidden + labels;
        return embeddings + layers + pooler + classifier;
    }

    /** Copies tiny-bert as transformers would shard it: two shards and an index. */
    private static Path shardedCopy(Path target) throws Exception {
        Files.createDirectories(target);
        Files.copy(tinyBert().resolve("config.json"), target.resolve("config.json"));
        JsonObject weightMap = new JsonObject();
        try (NDManager manager = NDManager.newBaseManager()) {
            List<Map.Entry<String, NDArray>> all =
                    new ArrayList<>(SafeTensors.read(tinyBert().resolve("model.safetensors"), manager).entrySet());
            Map<String, NDArray> first = new LinkedHashMap<>();
            Map<String, NDArray> second = new LinkedHashMap<>();
            for (int i = 0; i < all.size(); i++) {
                boolean inFirst = i < all.size() / 2;
                (inFirst ? first : second).put(all.get(i).getKey(), all.get(i).getValue());
                weightMap.addProperty(all.get(i).getKey(), inFirst ? SHARD_1 : SHARD_2);
            }
            SafeTensors.write(target.resolve(SHARD_1), first);
            SafeTensors.write(target.resolve(SHARD_2), second);
        }
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", weightMap);
        Files.writeString(target.resolve("model.safetensors.index.json"), index.toString());
        return target;
    }

    @Test
    void runReportsTheTinyBertDirectory() throws Exception {
        InspectReport report = InspectCommand.run(tinyBert(), false);
        assertEquals(TINY_BERT_TENSORS, report.tensors());
        assertEquals(expectedParameters(tinyBert().resolve("config.json")), report.parameters());
        assertEquals(997_090L, report.parameters());
        assertEquals(Map.of("F32", TINY_BERT_TENSORS), report.dtypes());
        assertEquals(32, report.config().orElseThrow().get("hidden_size").getAsInt());
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json"), report.files());
        assertTrue(report.tensorList().isEmpty());
    }

    @Test
    void printsOneJsonObjectOnStdout() throws Exception {
        Execution run = Cli.run("inspect", tinyBert().toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        assertEquals("", run.err());
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        assertEquals(TINY_BERT_TENSORS, json.get("tensors").getAsInt());
        assertEquals(expectedParameters(tinyBert().resolve("config.json")), json.get("parameters").getAsLong());
        assertEquals(TINY_BERT_TENSORS, json.getAsJsonObject("dtypes").get("F32").getAsInt());
        assertTrue(json.getAsJsonObject("config").get("bos_token_id").isJsonNull(), "config is printed as read");
        assertEquals(3, json.getAsJsonArray("files").size());
        assertFalse(json.has("tensor_list"));
    }

    @Test
    void tensorListGivesNameDtypeAndShapeInFileOrder() throws Exception {
        Execution run = Cli.run("inspect", "--tensors", tinyBert().toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonArray list = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("tensor_list");
        List<TensorInfo> expected =
                List.copyOf(SafetensorsHeader.read(tinyBert().resolve("model.safetensors")).tensors().values());
        assertEquals(expected.size(), list.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonObject tensor = list.get(i).getAsJsonObject();
            assertEquals(expected.get(i).name(), tensor.get("name").getAsString());
            assertEquals(expected.get(i).dtype().name(), tensor.get("dtype").getAsString());
            long[] shape = new long[tensor.getAsJsonArray("shape").size()];
            Arrays.setAll(shape, d -> tensor.getAsJsonArray("shape").get(d).getAsLong());
            assertTrue(Arrays.equals(expected.get(i).shape(), shape), expected.get(i).name());
        }
    }

    @Test
    void shardedCopyReportsTheSameModel() throws Exception {
        Path sharded = shardedCopy(tmp.resolve("sharded"));
        InspectReport single = InspectCommand.run(tinyBert(), true);
        InspectReport report = InspectCommand.run(sharded, true);
        assertEquals(single.tensors(), report.tensors());
        assertEquals(single.parameters(), report.parameters());
        assertEquals(single.dtypes(), report.dtypes());
        assertEquals(describe(single.tensorList().orElseThrow()), describe(report.tensorList().orElseThrow()));
        assertEquals(List.of("config.json", "model.safetensors.index.json", SHARD_1, SHARD_2), report.files());
    }

    /** Name, dtype and shape of each tensor: what survives sharding (byte offsets do not). */
    private static List<String> describe(List<TensorInfo> tensors) {
        return tensors.stream().map(t -> t.name() + " " + t.dtype() + Arrays.toString(t.shape())).toList();
    }

    @Test
    void aSingleSafetensorsFileHasNoConfig() throws Exception {
        InspectReport report = InspectCommand.run(tinyBert().resolve("model.safetensors"), false);
        assertEquals(TINY_BERT_TENSORS, report.tensors());
        assertTrue(report.config().isEmpty());
        assertEquals(List.of("model.safetensors"), report.files());
        JsonObject json = JsonParser.parseString(
                        Cli.run("inspect", tinyBert().resolve("model.safetensors").toString()).out())
                .getAsJsonObject();
        assertFalse(json.has("config"));
    }

    @Test
    void truncatedCheckpointFailsWithOneLineNamingTheFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("truncated"));
        Files.copy(tinyBert().resolve("config.json"), dir.resolve("config.json"));
        byte[] bytes = Files.readAllBytes(tinyBert().resolve("model.safetensors"));
        Path weights = dir.resolve("model.safetensors");
        Files.write(weights, Arrays.copyOf(bytes, bytes.length - 100));

        Execution run = Cli.run("inspect", dir.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, run.status());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("toolkit: " + weights + ": "), run.err());
        assertTrue(run.err().contains("truncated"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());

        Execution verbose = Cli.run("inspect", dir.toString(), "--verbose");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, verbose.status());
        assertTrue(verbose.err().contains("\tat dev.nlptoolkit.core.checkpoint."), verbose.err());
        Execution verboseFirst = Cli.run("--verbose", "inspect", dir.toString());
        assertTrue(verboseFirst.err().contains("\tat "), verboseFirst.err());
    }

    @Test
    void otherInvalidInputsExitWithStatusTwo() throws Exception {
        Path pickle = Files.write(tmp.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        Execution refused = Cli.run("inspect", pickle.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, refused.status());
        assertTrue(refused.err().startsWith("toolkit: " + pickle + ": is a pickle checkpoint"), refused.err());

        Path missing = tmp.resolve("absent");
        Execution absent = Cli.run("inspect", missing.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, absent.status());
        assertEquals("toolkit: " + missing + ": does not exist\n", absent.err().replace("\r", ""));

        Execution usage = Cli.run("inspect");
        assertEquals(ToolkitCli.EXIT_USER_ERROR, usage.status());
        assertTrue(usage.err().contains("Missing required parameter: 'PATH'"), usage.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"inspect", "--help"}, {"demo", "--help"}}) {
            Execution help = Cli.run(args);
            assertEquals(ToolkitCli.EXIT_OK, help.status(), String.join(" ", args));
            assertTrue(help.out().startsWith("Usage: toolkit"), help.out());
            assertTrue(help.out().contains("--verbose"), help.out());
        }
        assertTrue(Cli.run("inspect", "--help").out().contains("Default: false"));
    }
}
