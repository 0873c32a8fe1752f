package dev.nlptoolkit.tasks.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;
import com.sun.management.HotSpotDiagnosticMXBean;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The translate-greedy workload at toy sizes: what it counts, that the cache changes nothing but speed. */
class TranslateGreedyTest {

    /** Vocabulary 40, d 16, 2 heads, FF 32, 2 + 2 layers, 3 sources of 5 tokens, 6 decoder steps. */
    private static final TranslateGreedy.Sizes TOY = new TranslateGreedy.Sizes(40, 16, 2, 32, 2, 3, 5, 6);
    private static final long SEED = 42;

    /** Runs the workload in a fresh manager; returns its JSON and the arrays the manager holds after. */
    private static Run run(boolean cache, int steps) {
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) SEED);
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            BenchSettings settings = new BenchSettings(1, steps, 1, SEED, null, cache);
            JsonObject json = TranslateGreedy.run(settings, manager, TOY).toJson();
            return new Run(json, manager.getManagedArrays().size());
        }
    }

    private record Run(JsonObject json, int arraysLeft) {}

    @Test
    void cachedAndReDecodingGenerateTheSameFixedNumberOfTokens() throws IOException {
        Run cached = run(true, 2);
        Run uncached = run(false, 2);
        for (Run r : new Run[] {cached, uncached}) {
            JsonObject json = r.json();
            assertEquals("translate-greedy", json.get("workload").getAsString());
            assertEquals("tokens/s", json.get("unit").getAsString());
            // every sentence takes every step: 3 sentences x 6 steps, eos at the last
            assertEquals(18, json.get("generated_tokens").getAsLong());
            assertEquals(6, json.get("decoder_steps").getAsInt());
            assertEquals(2, json.get("steps").getAsInt());
            assertTrue(json.get("throughput").getAsDouble() > 0);
            assertTrue(json.get("peak_rss_mb").getAsDouble() > 0);
            // the malloc variables of this process, exactly (the launcher sets them), and the allocator mapped
            JsonObject malloc = json.getAsJsonObject("malloc");
            Map<String, String> env = new TreeMap<>();
            malloc.getAsJsonObject("env").entrySet().forEach(e -> env.put(e.getKey(), e.getValue().getAsString()));
            Map<String, String> expected = new TreeMap<>(System.getenv());
            expected.keySet().removeIf(name -> !Benchmarks.MALLOC_ENVIRONMENT.matcher(name).matches());
            assertEquals(expected, env);
            assertEquals(ProcessMemory.allocator(), malloc.get("allocator").getAsString());
            // DJL's reading of the bundled libtorch's build, sorted: OpenMP, MKL and oneDNN at least
            List<String> features = new ArrayList<>();
            json.getAsJsonArray("torch_features").forEach(f -> features.add(f.getAsString()));
            assertTrue(features.containsAll(List.of("MKL", "MKLDNN", "OPENMP")), features.toString());
            assertEquals(features.stream().sorted().toList(), features);
            // the processor, as /proc/cpuinfo names it
            assertEquals(cpuinfoModelName(), json.get("cpu").getAsString());
            // the young generation's cap of this JVM, which the launcher sets to 64 MB
            var hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            assertEquals(Long.parseLong(hotspot.getVMOption("MaxNewSize").getValue()) >> 20,
                    json.getAsJsonObject("jvm").get("max_new_size_mb").getAsLong());
        }
        assertTrue(cached.json().get("cache").getAsBoolean());
        assertFalse(uncached.json().get("cache").getAsBoolean());
        assertEquals(cached.json().get("outputs_hash").getAsInt(), uncached.json().get("outputs_hash").getAsInt(),
                "the same model and sources must decode the same tokens with and without the cache");
    }

    /** Each decoding call frees what it made: the model's manager holds as many arrays after 1 call as after 4. */
    @Test
    void decodingCallsLeaveNoArraysBehind() {
        for (boolean cache : new boolean[] {true, false}) {
            assertEquals(run(cache, 1).arraysLeft(), run(cache, 4).arraysLeft(), "cache " + cache);
        }
    }

    /** The first "model name" of /proc/cpuinfo, read another way than {@code Benchmarks}. */
    private static String cpuinfoModelName() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.exists(cpuinfo)) {
            return "unknown";
        }
        Matcher name = Pattern.compile("(?m)^model name\\s*:\\s*(.*)$").matcher(Files.readString(cpuinfo));
        return name.find() ? name.group(1).trim() : "unknown";
    }
}
