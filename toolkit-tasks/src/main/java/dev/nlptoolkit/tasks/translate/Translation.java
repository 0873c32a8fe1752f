package dev.nlptoolkit.tasks.translate;

import java.util.List;

/**
 * One translation hypothesis of a source sentence.
 *
 * @param text the detokenised, cased translation
 * @param score the search's score of the hypothesis (log-probability, length-penalised when a
 *     length penalty is set); 0 for an empty source
 * @param sourceTokens the source subwords the model read, its end-of-sentence token excluded
 * @param targetTokens the subwords of {@code text}, end-of-sentence excluded
 * @param alignment the attention weights (targetTokens + 1, sourceTokens + 1) of each output step
 *     (the last one emitting {@code </s>}) over the source positions (the last one its {@code </s>}),
 *     averaged over heads for the Transformer; null when not asked for
 */
public record Translation(
        String text, double score, List<String> sourceTokens, List<String> targetTokens, float[][] alignment) {

    public Translation {
        sourceTokens = List.copyOf(sourceTokens);
        targetTokens = List.copyOf(targetTokens);
    }

    /** The translation of an empty source: empty, score 0, no alignment. */
    static Translation empty() {
        return new Translation("", 0, List.of(), List.of(), null);
    }
}
