package dev.nlptoolkit.core.metric;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corpus chrF (Popović, "chrF: character n-gram F-score for automatic MT evaluation", WMT 2015) and
 * chrF++ (word order 2; Popović, WMT 2017) exactly as sacreBLEU 2.6 computes them: for each segment
 * the character n-gram (whitespace removed) and word n-gram matches against the reference with the
 * best segment F-score are kept, summed over the corpus, and the F-beta of the averaged precision
 * and recall is computed once.
 *
 * <p>Defaults are sacreBLEU's: character order 6, word order 0, beta 2, case kept, whitespace
 * ignored, no epsilon smoothing (orders that hypothesis or reference lack are left out of the
 * averages: {@code eff:yes}).
 */
public final class Chrf {

    public static final int DEFAULT_CHAR_ORDER = 6;
    public static final int DEFAULT_WORD_ORDER = 0;
    public static final int DEFAULT_BETA = 2;

    /** The reference implementation's value for an undefined precision, recall or F-score. */
    private static final double EPSILON = 1e-16;
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private final int charOrder;
    private final int wordOrder;
    private final int beta;
    private final boolean lowercase;
    private final boolean whitespace;
    private final boolean epsSmoothing;

    private Chrf(Builder builder) {
        this.charOrder = builder.charOrder;
        this.wordOrder = builder.wordOrder;
        this.beta = builder.beta;
        this.lowercase = builder.lowercase;
        this.whitespace = builder.whitespace;
        this.epsSmoothing = builder.epsSmoothing;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** sacreBLEU's defaults: chrF2, character order 6, no word n-grams. */
    public static Chrf sacreBleu() {
        return builder().build();
    }

    /**
     * The corpus score of {@code hypotheses} against reference streams (stream k holds the k-th
     * reference of every segment, {@code null} where a segment has fewer).
     *
     * @throws IllegalArgumentException if there are no hypotheses, or a stream's length differs from theirs
     */
    public ChrfScore corpusScore(List<String> hypotheses, List<List<String>> referenceStreams) {
        References references = References.of(hypotheses, referenceStreams);
        long[] sum = new long[3 * (charOrder + wordOrder)];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] segment = statistics(hypotheses.get(i), references.of(i));
            for (int k = 0; k < sum.length; k++) {
                sum[k] += segment[k];
            }
        }
        return new ChrfScore(fScore(sum), charOrder, wordOrder, beta, signature(references.count()));
    }

    /**
     * The statistics of one segment: for each order (characters 1 to {@code charOrder}, then words 1
     * to {@code wordOrder}) the hypothesis n-grams, reference n-grams and matches, against the
     * reference with the best F-score (the first on ties).
     */
    public long[] statistics(String hypothesis, List<String> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("a segment needs at least one reference");
        }
        List<Map<String, Integer>> hypothesisNgrams = ngrams(hypothesis);
        long[] best = null;
        double bestScore = -1.0;
        for (String reference : references) {
            List<Map<String, Integer>> referenceNgrams = ngrams(reference);
            long[] stats = new long[3 * hypothesisNgrams.size()];
            for (int i = 0; i < hypothesisNgrams.size(); i++) {
                match(hypothesisNgrams.get(i), referenceNgrams.get(i), stats, 3 * i);
            }
            double score = fScore(stats);
            if (score > bestScore) {
                bestScore = score;
                best = stats;
            }
        }
        return best;
    }

    /** sacreBLEU's signature for {@code referenceCount} references per segment. */
    public String signature(String referenceCount) {
        return "nrefs:" + referenceCount + "|case:" + (lowercase ? "lc" : "mixed")
                + "|eff:" + (epsSmoothing ? "no" : "yes") + "|nc:" + charOrder + "|nw:" + wordOrder
                + "|space:" + (whitespace ? "yes" : "no")
                + "|version:" + Bleu.SACREBLEU_VERSION;
    }

    private List<Map<String, Integer>> ngrams(String segment) {
        String text = lowercase ? PythonText.lower(segment) : segment;
        List<Map<String, Integer>> ngrams = new ArrayList<>(charOrder + wordOrder);
        int[] chars = (whitespace ? text : PythonText.removeSpaces(text)).codePoints().toArray();
        for (int n = 1; n <= charOrder; n++) {
            Map<String, Integer> counts = new HashMap<>();
            for (int i = 0; i + n <= chars.length; i++) {
                counts.merge(new String(chars, i, n), 1, Integer::sum);
            }
            ngrams.add(counts);
        }
        if (wordOrder > 0) {
            List<String> words = separatePunctuation(text);
            for (int n = 1; n <= wordOrder; n++) {
                Map<String, Integer> counts = new HashMap<>();
                for (int i = 0; i + n <= words.size(); i++) {
                    counts.merge(String.join(" ", words.subList(i, i + n)), 1, Integer::sum);
                }
                ngrams.add(counts);
            }
        }
        return ngrams;
    }

    /** chrF++'s words: one ASCII punctuation mark split off the end of a word, or else off its start. */
    private static List<String> separatePunctuation(String text) {
        List<String> words = new ArrayList<>();
        for (String word : PythonText.split(text)) {
            int length = word.codePointCount(0, word.length());
            int last = word.codePointBefore(word.length());
            int first = word.codePointAt(0);
            if (length == 1) {
                words.add(word);
            } else if (PUNCTUATION.indexOf(last) >= 0) {
                int cut = word.length() - Character.charCount(last);
                words.add(word.substring(0, cut));
                words.add(word.substring(cut));
            } else if (PUNCTUATION.indexOf(first) >= 0) {
                int cut = Character.charCount(first);
                words.add(word.substring(0, cut));
                words.add(word.substring(cut));
            } else {
                words.add(word);
            }
        }
        return words;
    }

    /**
     * Writes [hypothesis n-grams, reference n-grams, matches] at {@code offset}; as in sacreBLEU, an
     * order the reference has no n-grams of counts no hypothesis n-grams either.
     */
    private static void match(Map<String, Integer> hypothesis, Map<String, Integer> reference, long[] stats,
            int offset) {
        long hypothesisCount = 0;
        long matches = 0;
        for (Map.Entry<String, Integer> entry : hypothesis.entrySet()) {
            hypothesisCount += entry.getValue();
            matches += Math.min(entry.getValue(), reference.getOrDefault(entry.getKey(), 0));
        }
        long referenceCount = 0;
        for (int count : reference.values()) {
            referenceCount += count;
        }
        stats[offset] = reference.isEmpty() ? 0 : hypothesisCount;
        stats[offset + 1] = referenceCount;
        stats[offset + 2] = matches;
    }

    /** sacreBLEU's {@code _compute_f_score}, operation for operation. */
    private double fScore(long[] stats) {
        int order = stats.length / 3;
        double factor = (double) beta * beta;
        double score = 0.0;
        double averagePrecision = 0.0;
        double averageRecall = 0.0;
        int effectiveOrder = 0;
        for (int i = 0; i < order; i++) {
            long hypothesisCount = stats[3 * i];
            long referenceCount = stats[3 * i + 1];
            long matches = stats[3 * i + 2];
            double precision = hypothesisCount > 0 ? (double) matches / hypothesisCount : EPSILON;
            double recall = referenceCount > 0 ? (double) matches / referenceCount : EPSILON;
            double denominator = factor * precision + recall;
            score += denominator > 0 ? (1 + factor) * precision * recall / denominator : EPSILON;
            if (hypothesisCount > 0 && referenceCount > 0) {
                averagePrecision += precision;
                averageRecall += recall;
                effectiveOrder++;
            }
        }
        if (epsSmoothing) {
            return 100 * score / order;
        }
        if (effectiveOrder == 0) {
            averagePrecision = 0.0;
            averageRecall = 0.0;
        } else {
            averagePrecision /= effectiveOrder;
            averageRecall /= effectiveOrder;
        }
        if (averagePrecision + averageRecall == 0) {
            return 0.0;
        }
        double f = (1 + factor) * averagePrecision * averageRecall;
        f /= factor * averagePrecision + averageRecall;
        return 100 * f;
    }

    /** Builds a {@link Chrf}; every setting defaults to sacreBLEU's. */
    public static final class Builder {

        private int charOrder = DEFAULT_CHAR_ORDER;
        private int wordOrder = DEFAULT_WORD_ORDER;
        private int beta = DEFAULT_BETA;
        private boolean lowercase;
        private boolean whitespace;
        private boolean epsSmoothing;

        private Builder() {}

        /** Character n-gram order. Default {@value Chrf#DEFAULT_CHAR_ORDER}. */
        public Builder optCharOrder(int charOrder) {
            this.charOrder = charOrder;
            return this;
        }

        /** Word n-gram order; 2 gives chrF++. Default {@value Chrf#DEFAULT_WORD_ORDER}. */
        public Builder optWordOrder(int wordOrder) {
            this.wordOrder = wordOrder;
            return this;
        }

        /** The weight of recall against precision. Default {@value Chrf#DEFAULT_BETA}. */
        public Builder optBeta(int beta) {
            this.beta = beta;
            return this;
        }

        /** Whether to lower-case first ({@code case:lc}). Default false. */
        public Builder optLowercase(boolean lowercase) {
            this.lowercase = lowercase;
            return this;
        }

        /** Whether character n-grams keep whitespace ({@code space:yes}). Default false. */
        public Builder optWhitespace(boolean whitespace) {
            this.whitespace = whitespace;
            return this;
        }

        /**
         * Whether to average the F-scores of all orders with epsilon for missing ones, as chrF++.py,
         * NLTK and Moses do ({@code eff:no}). Default false.
         */
        public Builder optEpsSmoothing(boolean epsSmoothing) {
            this.epsSmoothing = epsSmoothing;
            return this;
        }

        public Chrf build() {
            if (charOrder < 0 || wordOrder < 0 || charOrder + wordOrder == 0) {
                throw new IllegalArgumentException("char order and word order must be 0 or more and not both 0, got "
                        + charOrder + " and " + wordOrder);
            }
            if (beta < 0) {
                throw new IllegalArgumentException("beta must be 0 or more, got " + beta);
            }
            return new Chrf(this);
        }
    }
}
