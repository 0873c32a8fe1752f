package dev.nlptoolkit.tasks.bench;

import java.util.Arrays;

/** Wall times of the timed steps of a benchmark, in nanoseconds, and the statistics the JSON reports. */
public final class StepTimes {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double NANOS_PER_MILLI = 1e6;

    private final long[] sorted;

    public StepTimes(long[] nanos) {
        if (nanos.length == 0) {
            throw new IllegalArgumentException("no timed steps: pass --steps 1 or more");
        }
        sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The q-quantile (0..1) by the nearest-rank rule, in nanoseconds. */
    public long quantileNanos(double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    public double medianSeconds() {
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
        return median / NANOS_PER_SECOND;
    }

    public double quantileMillis(double q) {
        return quantileNanos(q) / NANOS_PER_MILLI;
    }

    /** (slowest - fastest) / median: how far apart the timed steps were; small on a quiet machine. */
    public double spread() {
        return (sorted[sorted.length - 1] - sorted[0]) / NANOS_PER_SECOND / medianSeconds();
    }
}
