package dev.nlptoolkit.core.tokenize;

import java.util.List;

/**
 * The subwords of one text.
 *
 * @param ids the token ids, no {@code <s>} or {@code </s>} added
 * @param tokens the token strings, one per id
 * @param unknownCount how many ids are {@code <unk>}: one per character never seen in training (and
 *     one per literal {@code <unk>} in the text)
 */
public record SubwordEncoding(long[] ids, List<String> tokens, int unknownCount) {

    public SubwordEncoding {
        tokens = List.copyOf(tokens);
        if (ids.length != tokens.size()) {
            throw new IllegalArgumentException(ids.length + " ids but " + tokens.size() + " tokens");
        }
    }
}
