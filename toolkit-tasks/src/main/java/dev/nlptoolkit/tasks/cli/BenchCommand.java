package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.tasks.bench.BenchResult;
import dev.nlptoolkit.tasks.bench.BenchSettings;
import dev.nlptoolkit.tasks.bench.Benchmarks;
import dev.nlptoolkit.tasks.bench.Workload;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code toolkit bench}: times one workload and prints one JSON line. */
@Command(
        name = "bench",
        description = {
            "Time one workload on the CPU (float32, seeded random inputs made before the timed region) and print one"
                    + " JSON line: {\"workload\", \"throughput\", \"unit\", \"threads\", \"steps\", \"spread\","
                    + " \"peak_rss_mb\", \"torch\", ...}; throughput is the median of the timed steps.",
            "Workloads: gemm, lstm-train, bert-train, bert-infer, bert-latency, score-csv (run from the repository"
                    + " root: it reads datasets/), translate-greedy. bench/README.md describes each and"
                    + " the PyTorch peers to compare with (bench/compare.sh)."
        })
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKLOAD", converter = WorkloadConverter.class,
            description = "gemm, lstm-train, bert-train, bert-infer, bert-latency, score-csv or translate-greedy.")
    Workload workload;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "2",
            description = "PyTorch intra-op threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "" + BenchSettings.DEFAULT_STEPS,
            description = "Timed steps (calls for bert-latency, e.g. 200). Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "" + BenchSettings.DEFAULT_WARMUP,
            description = "Untimed steps first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--profile", paramLabel = "TRACE.json",
            description = "Write libtorch's profiler trace of the first timed step (Chrome trace format; that step"
                    + " is then slower). Default: none.")
    Path profile;

    @Option(names = "--no-cache",
            description = "translate-greedy: re-decode the whole prefix at every step instead of extending the"
                    + " decoder's key/value cache.")
    boolean noCache;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
        BenchSettings settings = new BenchSettings(threads, steps, warmup, BenchSettings.DEFAULT_SEED, profile,
                !noCache);
        BenchResult result = Benchmarks.run(workload, settings);
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.toJson());
        out.flush();
        return ToolkitCli.EXIT_OK;
    }
}
