package dev.nlptoolkit.core.data;

import java.util.Objects;

/**
 * One text to classify, with an optional second text (sentence-pair tasks) and an optional gold
 * label (absent when predicting).
 *
 * @param text the text, never null
 * @param textPair the second text of a pair, or null
 * @param label the gold label, or null
 */
public record Example(String text, String textPair, String label) {

    public Example {
        Objects.requireNonNull(text, "text");
    }

    /** A single text with a label. */
    public static Example of(String text, String label) {
        return new Example(text, null, label);
    }
}
