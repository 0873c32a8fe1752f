package dev.nlptoolkit.tasks.classify;

import java.util.List;

/**
 * What a classifier looked at for one input: its prediction, the input's tokens and the attention
 * over them, to plot ({@code dev.nlptoolkit.plot.Plots.attention}) or inspect.
 *
 * @param prediction the prediction, explained by its most-attended tokens
 * @param tokens the tokens the model read, in order, special tokens ([CLS], [SEP]) included; of a
 *     sentence pair, those of the first text
 * @param special {@code special[t]} is whether {@code tokens.get(t)} is a special token
 * @param tokenWeights (T) how much each token contributed to the prediction (the explanation's
 *     weights, every token), or null for models without attention (rnn, lstm, rcnn)
 * @param selfAttention (N, T, T) the last layer's self-attention probabilities per head, queries by
 *     keys, or null for models without self-attention (all but transformer and bert)
 */
public record AttentionMap(
        Prediction prediction, List<String> tokens, boolean[] special, float[] tokenWeights,
        float[][][] selfAttention) {

    public AttentionMap {
        tokens = List.copyOf(tokens);
    }

    /** The number of attention heads N; 0 without self-attention. */
    public int heads() {
        return selfAttention == null ? 0 : selfAttention.length;
    }
}
