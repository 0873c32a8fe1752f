package dev.nlptoolkit.models.decode;

/**
 * One decoded output.
 *
 * @param tokens the output ids, without bos and eos
 * @param score the ranking score: {@code logProbability} divided by the GNMT length divisor
 * @param logProbability log P(tokens, eos | source), the sum over every output position including eos
 * @param alignment per output position, including eos, the attention weights over the source's real
 *     tokens (T + 1, S), each row summing to 1 (for {@code --attention-out}); null unless asked for
 */
public record Hypothesis(int[] tokens, double score, double logProbability, float[][] alignment) {

    public Hypothesis {
        tokens = tokens.clone();
    }

    public int length() {
        return tokens.length;
    }
}
