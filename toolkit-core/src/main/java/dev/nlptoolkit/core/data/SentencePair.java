package dev.nlptoolkit.core.data;

/**
 * A source sentence and its translation.
 *
 * @param line the 1-based line both come from
 * @param source the source-language sentence
 * @param target the target-language sentence
 */
public record SentencePair(long line, String source, String target) {}
