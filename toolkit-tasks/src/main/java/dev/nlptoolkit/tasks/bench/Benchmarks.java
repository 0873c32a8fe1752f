package dev.nlptoolkit.tasks.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

import dev.nlptoolkit.core.device.EngineSettings;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs one {@link Workload} on the CPU in float32 with seeded random inputs made before the timed
 * region, and reports the median of the timed steps. The Python peers in {@code bench/} run the same
 * workloads in PyTorch eager and transformers.
 */
public final class Benchmarks {

    /** The environment variables that choose and tune malloc, reported with every result. */
    static final Pattern MALLOC_ENVIRONMENT = Pattern.compile("LD_PRELOAD|MALLOC_.*|TCMALLOC_.*");

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    private Benchmarks() {}

    public static BenchResult run(Workload workload, BenchSettings settings) {
        EngineSettings.threads(settings.threads(), EngineSettings.current().interOp());
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed((int) settings.seed());
        try (NDManager manager = engine.newBaseManager(ai.djl.Device.cpu())) {
            return switch (workload) {
                case GEMM -> Gemm.run(settings, manager);
                case LSTM_TRAIN -> LstmTrain.run(settings, manager);
                case BERT_TRAIN -> BertMini.train(settings, manager);
                case BERT_INFER -> BertMini.infer(settings, manager);
                case BERT_LATENCY -> BertMini.latency(settings, manager);
                case SCORE_CSV -> ScoreCsv.run(settings, manager);
                case TRANSLATE_GREEDY -> TranslateGreedy.run(settings, manager);
            };
        }
    }

    /**
     * @param times wall times of the timed steps, which {@code throughput} comes from
     * @param cpu process CPU times of the same steps, reported as {@code cpu_ms}, their median
     */
    static BenchResult result(Workload workload, double throughput, BenchSettings settings, StepTimes times,
            StepTimes cpu, JsonObject extras) {
        extras.addProperty("cpu_ms", BenchResult.round(cpu.quantileMillis(0.5)));
        extras.add("jvm", jvm());
        extras.add("malloc", malloc());
        extras.add("torch_features", torchFeatures());
        extras.addProperty("cpu", cpuModel());
        return new BenchResult(workload, throughput, settings, times.spread(), ProcessMemory.peakRssMib(),
                Engine.getEngine("PyTorch").getVersion(), extras);
    }

    /** Starts libtorch's profiler when {@code step} is the first timed one and a trace was asked for. */
    static void profileBefore(BenchSettings settings, int step) {
        if (settings.profile() != null && step == settings.warmup()) {
            JniUtils.startProfile(false, true, true);
        }
    }

    /** Stops the profiler after the first timed step and writes the trace. */
    static void profileAfter(BenchSettings settings, int step) {
        if (settings.profile() != null && step == settings.warmup()) {
            JniUtils.stopProfile(settings.profile().toAbsolutePath().toString());
        }
    }

    /**
     * The malloc in use ({@code allocator}) and the environment that chose and tunes it: {@code LD_PRELOAD},
     * glibc's {@code MALLOC_*} and gperftools' {@code TCMALLOC_*} variables, which the launcher sets
     * and which move throughput and peak memory (bench/README.md). {@code compare.sh --same-malloc}
     * hands {@code env} to the peer.
     */
    private static JsonObject malloc() {
        JsonObject env = new JsonObject();
        new TreeMap<>(System.getenv()).forEach((name, value) -> {
            if (MALLOC_ENVIRONMENT.matcher(name).matches()) {
                env.addProperty(name, value);
            }
        });
        JsonObject json = new JsonObject();
        json.addProperty("allocator", ProcessMemory.allocator());
        json.add("env", env);
        return json;
    }

    /**
     * The processor's model name from /proc/cpuinfo, or "unknown": figures from different stops are
     * comparable only on the same CPU, and a VM's host can change between them.
     */
    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(CPUINFO)) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException | UncheckedIOException e) {
            return "unknown";
        }
    }

    /**
     * The CPU libraries the loaded libtorch was built with, as DJL reads them from its build configuration
     * ({@code at::show_config}): OPENMP, MKL, MKLDNN. The peers report the same names, so that a comparison
     * shows both sides on the same kernels.
     */
    private static JsonArray torchFeatures() {
        JsonArray features = new JsonArray();
        new TreeSet<>(JniUtils.getFeatures()).forEach(features::add);
        return features;
    }

    /** The JVM settings that share the cores with libtorch (collectors, JIT compiler threads) and the young generation's cap. */
    private static JsonObject jvm() {
        JsonObject json = new JsonObject();
        json.addProperty("version", Runtime.version().toString());
        json.addProperty("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
        json.addProperty("processors", Runtime.getRuntime().availableProcessors());
        json.addProperty("input_arguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        var hotspot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        if (hotspot != null) {
            json.addProperty("jit_threads", hotspot.getVMOption("CICompilerCount").getValue());
            json.addProperty("parallel_gc_threads", hotspot.getVMOption("ParallelGCThreads").getValue());
            // the launcher caps it (-XX:MaxNewSize=64m), which keeps peak RSS flat (bench/README.md)
            json.addProperty("max_new_size_mb", Long.parseLong(hotspot.getVMOption("MaxNewSize").getValue()) >> 20);
        }
        return json;
    }
}
