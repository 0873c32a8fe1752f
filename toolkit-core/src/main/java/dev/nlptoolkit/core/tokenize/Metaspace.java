package dev.nlptoolkit.core.tokenize;

import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face {@code Metaspace} pre-tokenizer with {@code prepend_scheme: "always"} and
 * {@code split: true}: every space (U+0020 only) becomes {@value #REPLACEMENT}, one is prepended
 * unless the text starts with one, and the text is split before each {@value #REPLACEMENT}.
 *
 * <p>{@code "a  b "} gives {@code ["▁a", "▁", "▁b", "▁"]}, so runs of spaces and trailing spaces
 * survive decoding; leading spaces do not, since the decoder drops the marker of the first token.
 */
final class Metaspace {

    /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's word-boundary mark. */
    static final String REPLACEMENT = "\u2581";
    static final char REPLACEMENT_CHAR = '\u2581';
    static final String PREPEND_SCHEME = "always";

    private Metaspace() {}

    /** The words of {@code text}, as {@code tokenizers}' pre-tokenizer gives them; none for "". */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        if (text.isEmpty()) {
            return words;
        }
        String marked = text.replace(' ', REPLACEMENT_CHAR);
        if (marked.charAt(0) != REPLACEMENT_CHAR) {
            marked = REPLACEMENT + marked;
        }
        int start = 0;
        for (int i = 1; i < marked.length(); i++) {
            if (marked.charAt(i) == REPLACEMENT_CHAR) {
                words.add(marked.substring(start, i));
                start = i;
            }
        }
        words.add(marked.substring(start));
        return words;
    }
}
