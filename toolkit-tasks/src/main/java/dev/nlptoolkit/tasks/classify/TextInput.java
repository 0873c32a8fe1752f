package dev.nlptoolkit.tasks.classify;

import java.util.Objects;

/**
 * A text to classify, with an optional second text for sentence-pair models.
 *
 * @param text the text, never null
 * @param textPair the second text, or null
 */
public record TextInput(String text, String textPair) {

    public TextInput {
        Objects.requireNonNull(text, "text");
    }

    public static TextInput of(String text) {
        return new TextInput(text, null);
    }
}
