package dev.nlptoolkit.tasks.classify;

/**
 * How much one input token contributed to a prediction: its attention weight in the pooling, or for
 * the CNN its share of the feature maps whose max-pooled window covers it.
 *
 * @param token the token as the model's tokenizer wrote it
 * @param position its 0-based position in the encoded input
 * @param weight its attention weight or share; the weights of one input sum to 1
 */
public record TokenWeight(String token, int position, double weight) {}
