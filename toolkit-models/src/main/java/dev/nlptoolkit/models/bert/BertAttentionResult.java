package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;

/**
 * The output of a BERT attention step and the attention probabilities it used.
 *
 * @param output (B, T, E)
 * @param probabilities (B, N, T, T), softmax over keys, after dropout when training
 */
public record BertAttentionResult(NDArray output, NDArray probabilities) {}
