package dev.nlptoolkit.models.seq2seq;

/** How the LSTM decoder scores its query against each encoder state. */
public enum AttentionScore {
    /** Bahdanau et al. (2015): v^T tanh(W_q q + W_k k). */
    ADDITIVE,
    /** Luong et al. (2015) "general": q^T W_a k. */
    GENERAL,
    /** Luong et al. (2015) "dot": q^T k; the decoder size must equal the encoder output size. */
    DOT
}
