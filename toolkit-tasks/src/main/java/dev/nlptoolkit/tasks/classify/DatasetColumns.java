package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;

import java.util.List;

/**
 * Which columns of a CSV or TSV file hold the text, the optional second text of a pair and the label.
 *
 * <p>When the text column is missing from a file's header and exactly one of {@link #TEXT_FALLBACKS}
 * is there, that one is used: SST-2's train file calls it {@code sentence}, its dev file
 * {@code content}, so {@code --text-column sentence} reads both.
 *
 * @param text the text column's header name
 * @param textPair the second text's column, or null for single texts
 * @param label the label column, or null for unlabelled files (prediction only)
 */
public record DatasetColumns(String text, String textPair, String label) {

    public static final String DEFAULT_TEXT = "text";
    public static final String DEFAULT_LABEL = "label";
    /** The usual names of a text column, tried when the named one is absent. */
    public static final List<String> TEXT_FALLBACKS = List.of("sentence", "content", "text");

    /** {@code text} and {@code label}, no pair. */
    public static final DatasetColumns DEFAULT = new DatasetColumns(DEFAULT_TEXT, null, DEFAULT_LABEL);

    public DatasetColumns {
        if (text == null || text.isBlank()) {
            throw new UserInputException("name the text column, e.g. \"" + DEFAULT_TEXT + "\"");
        }
    }

    public DatasetColumns withText(String name) {
        return new DatasetColumns(name, textPair, label);
    }

    public DatasetColumns withTextPair(String name) {
        return new DatasetColumns(text, name, label);
    }

    public DatasetColumns withLabel(String name) {
        return new DatasetColumns(text, textPair, name);
    }
}
