package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link TextClassifier} returns for a batch.
 *
 * @param logits (B, C) unnormalised class scores
 * @param representation (B, D) the pooled vector the head reads (the attention output for attention
 *     models); adversarial training compares it between clean and perturbed passes
 * @param tokenWeights (B, T) how much each token contributed to the pooled vector (attention
 *     weights, 0 on padding), or null for models without a token-level attention
 * @param selfAttention (B, N, T, T) the last layer's self-attention probabilities, queries by keys,
 *     outside training; null while training and for models without self-attention
 */
public record ClassifierOutput(NDArray logits, NDArray representation, NDArray tokenWeights, NDArray selfAttention) {

    /** An output without self-attention maps. */
    public ClassifierOutput(NDArray logits, NDArray representation, NDArray tokenWeights) {
        this(logits, representation, tokenWeights, null);
    }
}
