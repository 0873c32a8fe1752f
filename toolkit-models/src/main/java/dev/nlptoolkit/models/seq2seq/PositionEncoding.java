package dev.nlptoolkit.models.seq2seq;

/** How a Transformer adds positions to its token embeddings. */
public enum PositionEncoding {
    /** Fixed sines and cosines (Vaswani et al. 2017): any length. */
    SINUSOIDAL,
    /** One trained vector per position (Gehring et al. 2017): at most {@code max_positions}. */
    LEARNED
}
