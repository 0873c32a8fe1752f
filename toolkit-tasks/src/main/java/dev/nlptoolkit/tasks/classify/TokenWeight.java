package dev.nlptoolkit.tasks.classify;

/**
 * How much one input token contributed to a prediction: its attention weight in the pooling.
 *
 * @param token the token as the model's tokenizer wrote it
 * @param position its 0-based position in the encoded input
 * @param weight its attention weight; the weights of one input sum to 1
 */
public record TokenWeight(String token, int position, double weight) {}
