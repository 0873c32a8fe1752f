package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * An encoder-decoder translation model (Sutskever et al. 2014; Bahdanau et al. 2015; Vaswani et al.
 * 2017) as the training loop and the searches in {@code models.decode} use it: encode once, then
 * either decode a whole target under teacher forcing or step token by token with a cache the
 * decoder owns (fairseq's {@code FairseqIncrementalDecoder}).
 *
 * <p>Shapes: B batch, S source length, T target length, V target vocabulary. Ids are int64, masks
 * are nonzero (or true) for real tokens and 0 for padding. Implementations: {@link
 * LstmAttentionSeq2Seq}, {@link TransformerSeq2Seq}. As a Block it maps {@link Seq2SeqInput} to
 * teacher-forced logits (B, T, V).
 */
public interface Seq2SeqModel extends Block {

    /** The hyper-parameters the model was built from. */
    Seq2SeqConfig config();

    /**
     * Runs the encoder once.
     *
     * @param sourceIds (B, S) int64
     * @param sourceMask (B, S), nonzero for real tokens
     */
    EncoderOutput encode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask, boolean training);

    /**
     * The logits of every next token given the true previous ones (teacher forcing).
     *
     * @param targetInputIds (B, T) int64: bos then the target without its last token
     * @param targetMask (B, T), nonzero for real tokens, or null when nothing is padded
     * @return logits (B, T, V)
     */
    NDArray forwardTeacherForced(
            ParameterStore ps, EncoderOutput encoded, NDArray targetInputIds, NDArray targetMask, boolean training);

    /** {@link #encode} then {@link #forwardTeacherForced}: logits (B, T, V). */
    default NDArray logits(ParameterStore ps, Seq2SeqInput input, boolean training) {
        EncoderOutput encoded = encode(ps, input.sourceIds(), input.sourceMask(), training);
        return forwardTeacherForced(ps, encoded, input.targetInputIds(), input.targetMask(), training);
    }

    /**
     * The logits of the token after each row's whole prefix, decoded from scratch without a cache (what
     * Hugging Face's {@code use_cache=False} does at every step). Rows are not padded: the prefixes are
     * equally long. This default projects every position and keeps the last; models may project only it.
     *
     * @param prefixIds (B, t) int64: bos then the tokens so far
     * @return logits (B, V), equal to {@link #step}'s after the same prefix
     */
    default NDArray nextTokenLogits(ParameterStore ps, EncoderOutput encoded, NDArray prefixIds) {
        // (B, t, V) -> (B, V)
        return forwardTeacherForced(ps, encoded, prefixIds, null, false).get(":, -1");
    }

    /**
     * A decoding cache for the rows of {@code encoded}, in its own sub-manager of the encoder output's
     * manager; close it when the search ends.
     *
     * @param capacity the output length expected, so that caches rarely grow
     */
    DecoderCache startDecoding(ParameterStore ps, EncoderOutput encoded, int capacity);

    /** {@link #startDecoding(ParameterStore, EncoderOutput, int)} with room for 64 tokens. */
    default DecoderCache startDecoding(ParameterStore ps, EncoderOutput encoded) {
        return startDecoding(ps, encoded, DecoderCache.DEFAULT_CAPACITY);
    }

    /**
     * Decodes one position for every row of {@code cache}, in inference mode, and extends the cache in
     * place.
     *
     * @param lastTokens (B') int64, the previous token of each row (bos at the first step)
     * @return logits (B', V) of the next token, in the manager of {@code lastTokens}
     */
    NDArray step(ParameterStore ps, DecoderCache cache, NDArray lastTokens);

    /**
     * The most target positions the model can decode (including bos), {@link Integer#MAX_VALUE} when
     * unbounded.
     */
    int maxTargetPositions();
}
