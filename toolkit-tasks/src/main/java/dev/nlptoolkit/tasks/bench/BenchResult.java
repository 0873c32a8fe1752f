package dev.nlptoolkit.tasks.bench;

import com.google.gson.JsonObject;

/**
 * One benchmark's figures, printed as one JSON line: {@code {"workload", "throughput", "unit",
 * "threads", "steps", "spread", "peak_rss_mb", "torch", ...}} with the workload's own extras after.
 *
 * @param throughput the median over the timed steps, in {@code workload.unit()}
 * @param spread (slowest - fastest) / median of the timed steps
 * @param extras workload-specific figures (FLOPs per token, latency quantiles)
 */
public record BenchResult(Workload workload, double throughput, BenchSettings settings, double spread,
        double peakRssMib, String torch, JsonObject extras) {

    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("workload", workload.cliName());
        json.addProperty("throughput", round(throughput));
        json.addProperty("unit", workload.unit());
        json.addProperty("threads", settings.threads());
        json.addProperty("steps", settings.steps());
        json.addProperty("spread", round(spread));
        json.addProperty("peak_rss_mb", round(peakRssMib));
        json.addProperty("torch", torch);
        extras.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        return json;
    }

    /** Four significant figures are more than a shared machine can tell apart. */
    static double round(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            return value;
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(4)).doubleValue();
    }
}
