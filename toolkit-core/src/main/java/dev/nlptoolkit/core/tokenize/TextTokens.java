package dev.nlptoolkit.core.tokenize;

import java.util.List;

/**
 * The tokens of one text, as {@link TextTokenizer#encode} would give their ids.
 *
 * @param tokens the token strings, special tokens included
 * @param special for each token, whether the tokenizer added it ({@code [CLS]}, {@code [SEP]}, start
 *     and end markers) rather than read it from the text
 */
public record TextTokens(List<String> tokens, boolean[] special) {

    public TextTokens {
        tokens = List.copyOf(tokens);
        if (special.length != tokens.size()) {
            throw new IllegalArgumentException(
                    tokens.size() + " tokens but " + special.length + " special-token flags");
        }
    }
}
