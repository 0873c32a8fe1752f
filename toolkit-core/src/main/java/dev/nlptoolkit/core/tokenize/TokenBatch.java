package dev.nlptoolkit.core.tokenize;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

import java.util.Arrays;
import java.util.List;

/**
 * A batch of encoded texts, padded on the right to the longest row of the batch.
 *
 * <p>All three matrices have shape (B, T) with T the longest row; {@code lengths[b]} is the number
 * of real tokens of row b (special tokens included), so {@code attentionMask[b][t] == 1} exactly
 * for {@code t < lengths[b]}. Padding positions hold the tokenizer's pad id and token type 0.
 *
 * @param inputIds token ids, (B, T)
 * @param attentionMask 1 for real tokens, 0 for padding, (B, T)
 * @param tokenTypeIds segment ids: 0 for the first text, 1 for the second of a pair, (B, T)
 * @param lengths real tokens per row, (B)
 */
public record TokenBatch(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds, int[] lengths) {

    /** Checks that the matrices agree in shape and that the mask matches the lengths. */
    public TokenBatch {
        int rows = lengths.length;
        if (inputIds.length != rows || attentionMask.length != rows || tokenTypeIds.length != rows) {
            throw new IllegalArgumentException("inputIds, attentionMask, tokenTypeIds and lengths must have "
                    + "the same number of rows, got " + inputIds.length + ", " + attentionMask.length + ", "
                    + tokenTypeIds.length + ", " + rows);
        }
        int width = rows == 0 ? 0 : inputIds[0].length;
        for (int b = 0; b < rows; b++) {
            if (inputIds[b].length != width || attentionMask[b].length != width || tokenTypeIds[b].length != width) {
                throw new IllegalArgumentException("row " + b + " is not " + width + " wide: pad every row");
            }
            if (lengths[b] < 0 || lengths[b] > width) {
                throw new IllegalArgumentException("row " + b + " has length " + lengths[b] + " outside [0, " + width + "]");
            }
        }
    }

    /**
     * Pads encoded rows to the longest one.
     *
     * @param ids the ids of each row, unpadded
     * @param typeIds the token type ids of each row, each as long as its ids
     * @param padId the id written into padding positions
     */
    public static TokenBatch pad(List<long[]> ids, List<long[]> typeIds, long padId) {
        if (ids.size() != typeIds.size()) {
            throw new IllegalArgumentException("got " + ids.size() + " id rows but " + typeIds.size() + " type id rows");
        }
        int rows = ids.size();
        int width = ids.stream().mapToInt(row -> row.length).max().orElse(0);
        long[][] inputIds = new long[rows][width];
        long[][] mask = new long[rows][width];
        long[][] types = new long[rows][width];
        int[] lengths = new int[rows];
        for (int b = 0; b < rows; b++) {
            long[] row = ids.get(b);
            long[] rowTypes = typeIds.get(b);
            if (rowTypes.length != row.length) {
                throw new IllegalArgumentException("row " + b + " has " + row.length + " ids but " + rowTypes.length + " type ids");
            }
            lengths[b] = row.length;
            Arrays.fill(inputIds[b], padId);
            System.arraycopy(row, 0, inputIds[b], 0, row.length);
            System.arraycopy(rowTypes, 0, types[b], 0, row.length);
            Arrays.fill(mask[b], 0, row.length, 1L);
        }
        return new TokenBatch(inputIds, mask, types, lengths);
    }

    /** B, the number of rows. */
    public int size() {
        return lengths.length;
    }

    /** T, the padded width. */
    public int width() {
        return inputIds.length == 0 ? 0 : inputIds[0].length;
    }

    /** The input ids as an INT64 array of shape (B, T). */
    public NDArray inputIds(NDManager manager) {
        return manager.create(inputIds);
    }

    /** The attention mask as an INT64 array of shape (B, T). */
    public NDArray attentionMask(NDManager manager) {
        return manager.create(attentionMask);
    }

    /** The token type ids as an INT64 array of shape (B, T). */
    public NDArray tokenTypeIds(NDManager manager) {
        return manager.create(tokenTypeIds);
    }

    /** The lengths as an INT64 array of shape (B). */
    public NDArray lengths(NDManager manager) {
        return manager.create(Arrays.stream(lengths).asLongStream().toArray());
    }

    /**
     * The three matrices in the Hugging Face order {@code input_ids, attention_mask, token_type_ids},
     * each INT64 (B, T) and named so.
     */
    public NDList toNDList(NDManager manager) {
        NDArray ids = inputIds(manager);
        ids.setName("input_ids");
        NDArray mask = attentionMask(manager);
        mask.setName("attention_mask");
        NDArray types = tokenTypeIds(manager);
        types.setName("token_type_ids");
        return new NDList(ids, mask, types);
    }
}
