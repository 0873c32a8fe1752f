package dev.nlptoolkit.core.metric;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A corpus BLEU score as sacreBLEU's {@code BLEUScore} reports it, with the signature that says how
 * it was computed ({@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0}).
 *
 * @param score BLEU, 0 to 100
 * @param precisions the (smoothed) n-gram precisions, 0 to 100, index n-1 for order n
 * @param brevityPenalty {@code exp(1 - ref_len / sys_len)} when the hypotheses are shorter, else 1
 * @param statistics the corpus sums the score was computed from
 * @param signature every setting that changes the number
 */
public record BleuScore(double score, double[] precisions, double brevityPenalty, BleuStatistics statistics,
        String signature) {

    public BleuScore {
        precisions = precisions.clone();
    }

    @Override
    public double[] precisions() {
        return precisions.clone();
    }

    public long systemLength() {
        return statistics.systemLength();
    }

    public long referenceLength() {
        return statistics.referenceLength();
    }

    /** {@code sys_len / ref_len}, 0 when there are no reference words. */
    public double ratio() {
        long referenceLength = statistics.referenceLength();
        return referenceLength == 0 ? 0 : (double) statistics.systemLength() / referenceLength;
    }

    /**
     * sacreBLEU's line: {@code BLEU|<signature> = 34.56 65.2/40.1/27.3/18.8 (BP = 1.000 ratio = 1.012
     * hyp_len = 12981 ref_len = 12825)}.
     */
    @Override
    public String toString() {
        String perOrder = Arrays.stream(precisions).mapToObj(p -> String.format(Locale.ROOT, "%.1f", p))
                .collect(Collectors.joining("/"));
        return String.format(Locale.ROOT, "BLEU|%s = %.2f %s (BP = %.3f ratio = %.3f hyp_len = %d ref_len = %d)",
                signature, score, perOrder, brevityPenalty, ratio(), systemLength(), referenceLength());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BleuScore s && Double.compare(score, s.score) == 0
                && Arrays.equals(precisions, s.precisions)
                && Double.compare(brevityPenalty, s.brevityPenalty) == 0 && statistics.equals(s.statistics)
                && signature.equals(s.signature);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(score) * 31 + signature.hashCode();
    }
}
