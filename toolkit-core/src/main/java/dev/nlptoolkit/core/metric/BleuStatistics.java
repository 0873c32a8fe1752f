package dev.nlptoolkit.core.metric;

import java.util.Arrays;

/**
 * BLEU's sufficient statistics (sacreBLEU's {@code [sys_len, ref_len, correct..., total...]}) of one
 * segment or, summed with {@link #plus}, of a corpus.
 *
 * @param systemLength hypothesis words
 * @param referenceLength words of the reference closest in length to each hypothesis (the shorter on ties)
 * @param correct clipped matching n-grams, index n-1 for order n
 * @param total hypothesis n-grams, index n-1 for order n
 */
public record BleuStatistics(long systemLength, long referenceLength, long[] correct, long[] total) {

    public BleuStatistics {
        correct = correct.clone();
        total = total.clone();
        if (correct.length != total.length) {
            throw new IllegalArgumentException(correct.length + " correct counts but " + total.length + " totals");
        }
    }

    /** All zeros, for {@code order}-grams. */
    public static BleuStatistics zero(int order) {
        return new BleuStatistics(0, 0, new long[order], new long[order]);
    }

    public BleuStatistics plus(BleuStatistics other) {
        long[] sumCorrect = correct.clone();
        long[] sumTotal = total.clone();
        for (int n = 0; n < correct.length; n++) {
            sumCorrect[n] += other.correct[n];
            sumTotal[n] += other.total[n];
        }
        return new BleuStatistics(systemLength + other.systemLength, referenceLength + other.referenceLength,
                sumCorrect, sumTotal);
    }

    @Override
    public long[] correct() {
        return correct.clone();
    }

    @Override
    public long[] total() {
        return total.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuStatistics s && systemLength == s.systemLength && referenceLength == s.referenceLength
                && Arrays.equals(correct, s.correct) && Arrays.equals(total, s.total);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(systemLength) + 17 * Long.hashCode(referenceLength)
                + Arrays.hashCode(correct) * 7 + Arrays.hashCode(total);
    }

    @Override
    public String toString() {
        return "BleuStatistics[sys_len=" + systemLength + ", ref_len=" + referenceLength + ", correct="
                + Arrays.toString(correct) + ", total=" + Arrays.toString(total) + "]";
    }
}
