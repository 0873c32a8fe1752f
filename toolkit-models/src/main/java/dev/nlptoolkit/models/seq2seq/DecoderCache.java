package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDArray;

/**
 * What a {@link Seq2SeqModel} carries between decoding steps (fairseq's {@code incremental_state}):
 * the decoder's cached states, the encoder memory and its mask, for B' rows. The model writes it in
 * place at each {@link Seq2SeqModel#step}; a search reorders it when it prunes beams or drops
 * finished sentences. Holds native memory: close it.
 */
public interface DecoderCache extends AutoCloseable {

    /** Room for this many output positions before a cache first grows. */
    int DEFAULT_CAPACITY = 64;

    /** B', the rows decoded now. */
    long batchSize();

    /** t, the positions decoded so far. */
    long length();

    /**
     * Keeps the rows {@code order} (B'') int64, in that order, repeats allowed (fairseq's
     * {@code reorder_incremental_state}): every cached state, the encoder memory and its mask follow.
     * Expands a batch into beams ({@code [0, 0, 1, 1]}), follows pruned beams, drops finished rows.
     */
    void reorder(NDArray order);

    /**
     * The attention weights (B', S) of the latest step over the source (averaged over heads for
     * multi-head attention), in the cache's manager and valid until the next step or reorder; null
     * before the first step.
     */
    NDArray lastAttention();

    /** Frees every array of the cache. */
    @Override
    void close();
}
