package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A batch of tokenised texts for a {@link TextClassifier}.
 *
 * @param tokenIds (B, T) int64 token ids, padded to the longest row
 * @param attentionMask (B, T) int64, 1 for real tokens and 0 for padding
 * @param tokenTypeIds (B, T) int64 segment ids for sentence pairs, or null when the model has none
 */
public record ClassifierInput(NDArray tokenIds, NDArray attentionMask, NDArray tokenTypeIds) {

    public static ClassifierInput of(NDArray tokenIds, NDArray attentionMask) {
        return new ClassifierInput(tokenIds, attentionMask, null);
    }

    /** Real tokens per row, (B) int64. */
    public NDArray lengths() {
        return attentionMask.sum(new int[] {1});
    }

    /** The Block-boundary form: ids, mask and, when present, token types. */
    public NDList toNDList() {
        return tokenTypeIds == null
                ? new NDList(tokenIds, attentionMask)
                : new NDList(tokenIds, attentionMask, tokenTypeIds);
    }

    public static ClassifierInput fromNDList(NDList list) {
        return new ClassifierInput(list.get(0), list.get(1), list.size() > 2 ? list.get(2) : null);
    }
}
