package dev.nlptoolkit.core.tokenize;

import java.util.List;

/**
 * Turns texts into padded batches of token ids.
 *
 * <p>Every implementation pads on the right to the longest row of the batch (never to a fixed
 * length), so a batch of N encodes each row as a batch of 1 would, plus padding.
 */
public interface TextTokenizer {

    /** Encodes single texts. */
    TokenBatch encode(List<String> texts);

    /**
     * Encodes texts with an optional second text each (sentence pairs, e.g. question and passage).
     *
     * <p>{@code pairs} must be as long as {@code texts}; a {@code null} entry encodes that row as a
     * single text, so a batch can mix single texts and pairs (as {@code Example.textPair} allows).
     * Tokens of the second text get token type 1.
     */
    TokenBatch encode(List<String> texts, List<String> pairs);

    /**
     * The tokens of {@code text}, one per id of {@code encode(List.of(text))} row 0 (special tokens
     * included and flagged), for showing which token an explanation or attention weight refers to.
     */
    TextTokens tokenize(String text);

    /** The token strings of {@link #tokenize}{@code (text)}. */
    default List<String> tokens(String text) {
        return tokenize(text).tokens();
    }

    /** The number of ids, i.e. the rows an embedding table for this tokenizer needs. */
    int vocabularySize();

    /** The id written into padding positions. */
    long padId();
}
