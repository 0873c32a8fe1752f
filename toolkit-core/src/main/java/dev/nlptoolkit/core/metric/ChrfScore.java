package dev.nlptoolkit.core.metric;

import java.util.Locale;

/**
 * A corpus chrF score as sacreBLEU's {@code CHRFScore} reports it, with its signature
 * ({@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0}).
 *
 * @param score chrF, 0 to 100
 * @param charOrder the character n-gram order
 * @param wordOrder the word n-gram order (2 makes chrF++)
 * @param beta the weight of recall against precision
 * @param signature every setting that changes the number
 */
public record ChrfScore(double score, int charOrder, int wordOrder, int beta, String signature) {

    /** sacreBLEU's name: {@code chrF2}, or {@code chrF2++} with word order 2. */
    public String name() {
        return "chrF" + beta + "+".repeat(wordOrder);
    }

    /** sacreBLEU's line: {@code chrF2|<signature> = 58.12}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s|%s = %.2f", name(), signature, score);
    }
}
