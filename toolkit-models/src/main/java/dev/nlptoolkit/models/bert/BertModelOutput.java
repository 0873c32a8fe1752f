package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * What {@link BertModel} computes.
 *
 * @param lastHiddenState (B, T, E), the encoder output
 * @param poolerOutput (B, E), tanh(dense(first token))
 * @param hiddenStates on request ({@link BertModel.Extra#HIDDEN_STATES}), else empty: the embedding
 *     output then each layer's output, L + 1 arrays of (B, T, E)
 * @param attentions on request ({@link BertModel.Extra#ATTENTIONS}), else empty: each layer's
 *     attention probabilities, L arrays of (B, N, T, T)
 */
public record BertModelOutput(
        NDArray lastHiddenState, NDArray poolerOutput, List<NDArray> hiddenStates, List<NDArray> attentions) {

    public BertModelOutput {
        hiddenStates = List.copyOf(hiddenStates);
        attentions = List.copyOf(attentions);
    }
}
