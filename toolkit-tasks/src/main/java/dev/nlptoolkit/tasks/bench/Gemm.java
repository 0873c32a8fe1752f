package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

/** {@link Workload#GEMM}: C = A B for 2048 x 2048 float32 matrices; 2 n^3 FLOPs a product. */
final class Gemm {

    static final int N = 2048;

    private Gemm() {}

    static BenchResult run(BenchSettings settings, NDManager manager) {
        NDArray a = manager.randomUniform(-1, 1, new Shape(N, N));
        NDArray b = manager.randomUniform(-1, 1, new Shape(N, N));
        long[] nanos = new long[settings.steps()];
        long[] cpuNanos = new long[settings.steps()];
        for (int i = 0; i < settings.totalSteps(); i++) {
            Benchmarks.profileBefore(settings, i);
            long start = System.nanoTime();
            long cpuStart = ProcessCpu.nanos();
            // libtorch computes eagerly on the CPU: the product is done when matMul returns
            try (NDArray c = a.matMul(b)) {
                long elapsed = System.nanoTime() - start;
                long cpu = ProcessCpu.nanos() - cpuStart;
                Benchmarks.profileAfter(settings, i);
                if (i >= settings.warmup()) {
                    nanos[i - settings.warmup()] = elapsed;
                    cpuNanos[i - settings.warmup()] = cpu;
                }
            }
        }
        StepTimes times = new StepTimes(nanos);
        double flops = 2.0 * N * N * N;
        JsonObject extras = new JsonObject();
        extras.addProperty("flops_per_step", flops);
        return Benchmarks.result(Workload.GEMM, flops / times.medianSeconds() / 1e9, settings, times,
                new StepTimes(cpuNanos), extras);
    }
}
