package dev.nlptoolkit.core.metric;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus BLEU (Papineni et al., "BLEU: a Method for Automatic Evaluation of Machine Translation",
 * ACL 2002) exactly as sacreBLEU 2.6 computes it (Post, "A Call for Clarity in Reporting BLEU
 * Scores", WMT 2018): each segment's clipped n-gram matches (n = 1 to 4, the maximum count over its
 * references), hypothesis n-grams, hypothesis length and closest reference length are summed over
 * the corpus, and the score is computed once from the sums.
 *
 * <p>Defaults are sacreBLEU's: tokenizer {@code 13a}, case kept, {@code exp} smoothing, no
 * effective order. Segments are lower-cased (when asked), stripped of trailing whitespace and
 * tokenized; words are then split on Python's whitespace.
 */
public final class Bleu {

    /** The n-gram orders counted, 1 to 4. */
    public static final int MAX_NGRAM_ORDER = 4;
    /** The sacreBLEU version whose numbers these are, as written in signatures. */
    public static final String SACREBLEU_VERSION = "2.6.0";

    /**
     * Smoothing of zero n-gram precisions (Chen and Cherry, "A Systematic Comparison of Smoothing
     * Techniques for Sentence-Level BLEU", WMT 2014).
     */
    public enum Smoothing {
        /** No smoothing: any zero precision makes BLEU 0. */
        NONE("none", Double.NaN),
        /** Method 1: a zero count becomes {@code value} (default 0.1). */
        FLOOR("floor", 0.1),
        /** Method 2: {@code value} (default 1) added to counts and totals of orders 2 and up. */
        ADD_K("add-k", 1),
        /** Method 3, NIST's: the k-th zero precision becomes {@code 1 / (2^k total)}. sacreBLEU's default. */
        EXP("exp", Double.NaN);

        private final String signature;
        private final double defaultValue;

        Smoothing(String signature, double defaultValue) {
            this.signature = signature;
            this.defaultValue = defaultValue;
        }

        /** The name in sacreBLEU's signature and {@code --smooth-method}. */
        public String signature() {
            return signature;
        }

        boolean takesValue() {
            return !Double.isNaN(defaultValue);
        }
    }

    /** sacreBLEU's {@code my_log(0)}: the log of a zero precision, so that BLEU underflows to 0. */
    private static final double LOG_OF_ZERO = -9999999999.0;

    private final BleuTokenizer tokenizer;
    private final boolean lowercase;
    private final Smoothing smoothing;
    private final double smoothValue;
    private final boolean effectiveOrder;

    private Bleu(Builder builder) {
        this.tokenizer = builder.tokenizer;
        this.lowercase = builder.lowercase;
        this.smoothing = builder.smoothing;
        this.smoothValue = Double.isNaN(builder.smoothValue) ? builder.smoothing.defaultValue : builder.smoothValue;
        this.effectiveOrder = builder.effectiveOrder;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** sacreBLEU's defaults: {@code 13a}, case kept, {@code exp} smoothing. */
    public static Bleu sacreBleu() {
        return builder().build();
    }

    /**
     * The corpus score of {@code hypotheses} against reference streams: stream k holds the k-th
     * reference of every segment ({@code null} where a segment has fewer), as in sacreBLEU's
     * {@code corpus_score(hyps, [refs1, refs2])}.
     *
     * @throws IllegalArgumentException if there are no hypotheses, or a stream's length differs from theirs
     */
    public BleuScore corpusScore(List<String> hypotheses, List<List<String>> referenceStreams) {
        References references = References.of(hypotheses, referenceStreams);
        BleuStatistics sum = BleuStatistics.zero(MAX_NGRAM_ORDER);
        for (int i = 0; i < hypotheses.size(); i++) {
            sum = sum.plus(statistics(hypotheses.get(i), references.of(i)));
        }
        return score(sum, references.count());
    }

    /** The statistics of one segment against its references (at least one). */
    public BleuStatistics statistics(String hypothesis, List<String> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a segment needs at least one reference");
        }
        Map<String, Integer> maxReferenceCounts = null;
        int[] referenceLengths = new int[references.size()];
        for (int r = 0; r < references.size(); r++) {
            List<String> words = words(references.get(r));
            referenceLengths[r] = words.size();
            Map<String, Integer> counts = ngramCounts(words);
            if (maxReferenceCounts == null) {
                maxReferenceCounts = counts;
            } else {
                for (Map.Entry<String, Integer> entry : counts.entrySet()) {
                    maxReferenceCounts.merge(entry.getKey(), entry.getValue(), Math::max);
                }
            }
        }
        List<String> words = words(hypothesis);
        long[] correct = new long[MAX_NGRAM_ORDER];
        long[] total = new long[MAX_NGRAM_ORDER];
        for (Map.Entry<String, Integer> entry : ngramCounts(words).entrySet()) {
            int n = order(entry.getKey());
            total[n - 1] += entry.getValue();
            correct[n - 1] += Math.min(entry.getValue(), maxReferenceCounts.getOrDefault(entry.getKey(), 0));
        }
        return new BleuStatistics(words.size(), closestLength(words.size(), referenceLengths), correct, total);
    }

    /**
     * The score of summed statistics; {@code referenceCount} is the signature's {@code nrefs} (a
     * number or {@code var}).
     */
    public BleuScore score(BleuStatistics statistics, String referenceCount) {
        long[] correct = statistics.correct();
        long[] total = statistics.total();
        long systemLength = statistics.systemLength();
        long referenceLength = statistics.referenceLength();
        String signature = signature(referenceCount);
        double brevityPenalty = 1.0;
        if (systemLength < referenceLength) {
            brevityPenalty = systemLength > 0 ? Math.exp(1 - (double) referenceLength / systemLength) : 0.0;
        }
        double[] precisions = new double[MAX_NGRAM_ORDER];
        boolean anyCorrect = false;
        for (long c : correct) {
            anyCorrect |= c != 0;
        }
        if (!anyCorrect) {
            return new BleuScore(0.0, precisions, brevityPenalty, statistics, signature);
        }
        // Doubles because add-k adds a possibly fractional value to the counts.
        double[] smoothedCorrect = new double[MAX_NGRAM_ORDER];
        double[] smoothedTotal = new double[MAX_NGRAM_ORDER];
        double mteval = 1.0;
        int order = MAX_NGRAM_ORDER;
        for (int n = 1; n <= MAX_NGRAM_ORDER; n++) {
            smoothedCorrect[n - 1] = correct[n - 1];
            smoothedTotal[n - 1] = total[n - 1];
            if (smoothing == Smoothing.ADD_K && n > 1) {
                smoothedCorrect[n - 1] += smoothValue;
                smoothedTotal[n - 1] += smoothValue;
            }
            if (smoothedTotal[n - 1] == 0) {
                break;
            }
            if (effectiveOrder) {
                order = n;
            }
            if (smoothedCorrect[n - 1] == 0) {
                if (smoothing == Smoothing.EXP) {
                    mteval *= 2;
                    precisions[n - 1] = 100.0 / (mteval * smoothedTotal[n - 1]);
                } else if (smoothing == Smoothing.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothValue / smoothedTotal[n - 1];
                }
            } else {
                precisions[n - 1] = 100.0 * smoothedCorrect[n - 1] / smoothedTotal[n - 1];
            }
        }
        double logSum = 0;
        for (int n = 0; n < order; n++) {
            logSum += precisions[n] == 0.0 ? LOG_OF_ZERO : Math.log(precisions[n]);
        }
        double score = brevityPenalty * Math.exp(logSum / order);
        return new BleuScore(score, precisions, brevityPenalty, statistics, signature);
    }

    /** sacreBLEU's signature for {@code referenceCount} references per segment. */
    public String signature(String referenceCount) {
        String smooth = smoothing.signature();
        if (smoothing.takesValue()) {
            // Python's f"{v:.2f}" rounds the exact binary value half to even.
            smooth += "[" + new BigDecimal(smoothValue).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "]";
        }
        return "nrefs:" + referenceCount + "|case:" + (lowercase ? "lc" : "mixed")
                + "|eff:" + (effectiveOrder ? "yes" : "no") + "|tok:" + tokenizer.signature() + "|smooth:" + smooth
                + "|version:" + SACREBLEU_VERSION;
    }

    private List<String> words(String segment) {
        String text = lowercase ? PythonText.lower(segment) : segment;
        return PythonText.split(tokenizer.tokenize(PythonText.rstrip(text)));
    }

    /** Every n-gram of order 1 to 4, as its words joined by single spaces (words hold no whitespace). */
    private static Map<String, Integer> ngramCounts(List<String> words) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < words.size(); i++) {
            StringBuilder ngram = new StringBuilder(words.get(i));
            counts.merge(ngram.toString(), 1, Integer::sum);
            for (int n = 2; n <= MAX_NGRAM_ORDER && i + n <= words.size(); n++) {
                ngram.append(' ').append(words.get(i + n - 1));
                counts.merge(ngram.toString(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == ' ') {
                n++;
            }
        }
        return n;
    }

    /** The reference length closest to the hypothesis length, the shorter one on ties. */
    private static int closestLength(int hypothesisLength, int[] referenceLengths) {
        int closest = referenceLengths[0];
        for (int length : referenceLengths) {
            int difference = Math.abs(hypothesisLength - length);
            int best = Math.abs(hypothesisLength - closest);
            if (difference < best || (difference == best && length < closest)) {
                closest = length;
            }
        }
        return closest;
    }

    /** Builds a {@link Bleu}; every setting defaults to sacreBLEU's. */
    public static final class Builder {

        private BleuTokenizer tokenizer = BleuTokenizer.V13A;
        private boolean lowercase;
        private Smoothing smoothing = Smoothing.EXP;
        private double smoothValue = Double.NaN;
        private boolean effectiveOrder;

        private Builder() {}

        /** The tokenizer. Default {@link BleuTokenizer#V13A} ({@code 13a}). */
        public Builder optTokenizer(BleuTokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Whether to lower-case hypotheses and references first ({@code case:lc}). Default false. */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** The smoothing method. Default {@link Smoothing#EXP}. */
        public Builder optSmoothing(Smoothing smoothing) {
            this.smoothing = smoothing;
            return this;
        }

        /** The value of {@code floor} (default 0.1) or {@code add-k} (default 1) smoothing. */
        public Builder optSmoothValue(double smoothValue) {
            this.smoothValue = smoothValue;
            return this;
        }

        /**
         * Whether to average only the orders that the hypotheses have n-grams of, as sentence-level
         * BLEU should ({@code eff:yes}). Default false, right for corpus BLEU.
         */
        public Builder optEffectiveOrder(boolean effectiveOrder) {
            this.effectiveOrder = effectiveOrder;
            return this;
        }

        public Bleu build() {
            if (tokenizer == null || smoothing == null) {
                throw new IllegalArgumentException("tokenizer and smoothing must not be null");
            }
            if (!Double.isNaN(smoothValue) && !smoothing.takesValue()) {
                throw new IllegalArgumentException("smoothing " + smoothing.signature() + " takes no value; "
                        + "a value applies to floor and add-k only");
            }
            return new Bleu(this);
        }
    }
}
