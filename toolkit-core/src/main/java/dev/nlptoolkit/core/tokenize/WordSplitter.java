package dev.nlptoolkit.core.tokenize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words for vocabularies trained from scratch, in the spirit of the Penn Treebank
 * tokenizer that produced SST-2's text.
 *
 * <p>Rules, in order of precedence:
 * <ol>
 *   <li>typographic apostrophes (U+2019, U+2018) become {@code '};
 *   <li>{@code n't} is its own token ("don't" gives "do", "n't"; "can't" gives "ca", "n't");
 *   <li>the clitics {@code 's 're 've 'll 'd 'm} are their own tokens ("it's" gives "it", "'s");
 *   <li>a run of letters, digits and combining marks is one token ("café", "2005");
 *   <li>every other non-space character is a token of its own ("well-made" gives "well", "-",
 *       "made"; "3.5" gives "3", ".", "5").
 * </ol>
 * Whitespace only separates. With lower-casing, text is lower-cased (root locale) first.
 */
public final class WordSplitter {

    private static final Pattern TOKEN = Pattern.compile(
            "[\\p{L}\\p{N}\\p{M}]+(?=n't(?![\\p{L}\\p{N}]))"
                    + "|n't(?![\\p{L}\\p{N}])"
                    + "|'(?:s|re|ve|ll|d|m)(?![\\p{L}\\p{N}])"
                    + "|[\\p{L}\\p{N}\\p{M}]+"
                    + "|\\S",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);

    private final boolean lowerCase;

    /** A splitter that lower-cases when {@code lowerCase} is true. */
    public WordSplitter(boolean lowerCase) {
        this.lowerCase = lowerCase;
    }

    public boolean lowerCase() {
        return lowerCase;
    }

    /** The words of {@code text}, in order. */
    public List<String> split(String text) {
        String normalized = text.replace('\u2019', '\'').replace('\u2018', '\'');
        if (lowerCase) {
            normalized = normalized.toLowerCase(Locale.ROOT);
        }
        List<String> words = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(normalized);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }
}
