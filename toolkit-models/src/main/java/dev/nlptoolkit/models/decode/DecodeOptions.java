package dev.nlptoolkit.models.decode;

/**
 * How a search decodes: beam width (1 = greedy), GNMT length penalty, output length limits, n-gram
 * blocking, how many hypotheses to return, whether to keep alignments, the special ids, and whether
 * the decoder caches its states between steps.
 *
 * @param beam K, hypotheses kept per sentence; 1 decodes greedily
 * @param lengthPenalty alpha of Wu et al. (2016): scores are log P / ((5 + |Y|) / 6)^alpha, |Y| the
 *     output length including eos; 0 ranks by log P alone
 * @param maxLenA with {@code maxLenB}: at most a x S + b tokens before eos, S the source's real length
 *     (fairseq's {@code --max-len-a/--max-len-b}); eos is forced after that
 * @param maxLenB see {@code maxLenA}
 * @param minLength at least this many tokens before eos (fairseq's {@code --min-len}): eos is banned
 *     until then; 0 for no minimum. The length limit wins where it is shorter. With {@code maxLenA} 0 and
 *     {@code maxLenB} equal to it, every output has exactly this many tokens (a benchmark's fixed steps)
 * @param noRepeatNgram N: no n-gram of N tokens occurs twice in an output; 0 for no blocking
 * @param nbest hypotheses returned per sentence, best first; at most {@code beam}
 * @param alignment whether hypotheses carry the attention weights (T, S) of each output token
 * @param bosId starts every output
 * @param eosId ends every output; never part of {@link Hypothesis#tokens()}
 * @param padId never produced
 * @param incremental whether each step extends the decoder's cache ({@link
 *     dev.nlptoolkit.models.seq2seq.DecoderCache}) or re-decodes the whole prefix from scratch, as
 *     Hugging Face's {@code use_cache=False}: the same outputs, at a cost quadratic in the length (the
 *     baseline a cache is measured against); re-decoding keeps no alignments
 */
public record DecodeOptions(
        int beam,
        float lengthPenalty,
        float maxLenA,
        int maxLenB,
        int minLength,
        int noRepeatNgram,
        int nbest,
        boolean alignment,
        int bosId,
        int eosId,
        int padId,
        boolean incremental) {

    public static final int DEFAULT_BEAM = 4;
    /** Wu et al. (2016) found 0.6 to 0.7 best. */
    public static final float DEFAULT_LENGTH_PENALTY = 0.6f;
    public static final float DEFAULT_MAX_LEN_A = 1.5f;
    public static final int DEFAULT_MAX_LEN_B = 10;
    /** The special ids of the toolkit's BPE vocabularies: pad 0, unk 1, bos 2, eos 3. */
    public static final int DEFAULT_PAD_ID = 0;
    public static final int DEFAULT_BOS_ID = 2;
    public static final int DEFAULT_EOS_ID = 3;

    public DecodeOptions {
        if (beam < 1) {
            throw new IllegalArgumentException("beam must be at least 1 (1 decodes greedily), got " + beam);
        }
        if (nbest < 1 || nbest > beam) {
            throw new IllegalArgumentException("nbest must be in [1, beam = " + beam + "], got " + nbest
                    + ": raise the beam to return more hypotheses");
        }
        if (!(lengthPenalty >= 0) || Float.isInfinite(lengthPenalty)) {
            throw new IllegalArgumentException("length penalty alpha must be finite and at least 0, got "
                    + lengthPenalty);
        }
        if (!(maxLenA >= 0) || Float.isInfinite(maxLenA) || maxLenB < 0 || (maxLenA == 0 && maxLenB == 0)) {
            throw new IllegalArgumentException("max length a x S + b needs a >= 0, b >= 0 and not both 0, got a = "
                    + maxLenA + ", b = " + maxLenB);
        }
        if (minLength < 0) {
            throw new IllegalArgumentException("min length must be 0 (none) or a positive number of tokens, got "
                    + minLength);
        }
        if (noRepeatNgram < 0) {
            throw new IllegalArgumentException("no-repeat-ngram must be 0 (off) or a positive n-gram size, got "
                    + noRepeatNgram);
        }
        if (bosId < 0 || eosId < 0 || padId < 0 || eosId == padId) {
            throw new IllegalArgumentException("special ids must be distinct non-negative ids, got bos " + bosId
                    + ", eos " + eosId + ", pad " + padId);
        }
        if (alignment && !incremental) {
            throw new IllegalArgumentException("alignments come from the decoder cache: decode incrementally"
                    + " (the default) to keep them");
        }
    }

    /**
     * Beam 4, alpha 0.6, max length 1.5 S + 10, no min length, no n-gram blocking, the best hypothesis
     * only, no alignment, incremental.
     */
    public static DecodeOptions defaults() {
        return new DecodeOptions(DEFAULT_BEAM, DEFAULT_LENGTH_PENALTY, DEFAULT_MAX_LEN_A, DEFAULT_MAX_LEN_B, 0, 0, 1,
                false, DEFAULT_BOS_ID, DEFAULT_EOS_ID, DEFAULT_PAD_ID, true);
    }

    /** The defaults with beam 1. */
    public static DecodeOptions greedy() {
        return defaults().withBeam(1);
    }

    /** The longest output (tokens before eos) for a source of {@code sourceLength} real tokens. */
    public int maxLength(long sourceLength) {
        return (int) Math.floor(maxLenA * sourceLength + maxLenB);
    }

    /** ((5 + length) / 6)^alpha, the GNMT divisor of a log probability; 1 when alpha is 0. */
    public double lengthDivisor(int length) {
        return Math.pow((5.0 + length) / 6.0, lengthPenalty);
    }

    public DecodeOptions withBeam(int value) {
        return new DecodeOptions(value, lengthPenalty, maxLenA, maxLenB, minLength, noRepeatNgram,
                Math.min(nbest, value), alignment, bosId, eosId, padId, incremental);
    }

    public DecodeOptions withLengthPenalty(float value) {
        return new DecodeOptions(beam, value, maxLenA, maxLenB, minLength, noRepeatNgram, nbest, alignment, bosId,
                eosId, padId, incremental);
    }

    public DecodeOptions withMaxLength(float a, int b) {
        return new DecodeOptions(beam, lengthPenalty, a, b, minLength, noRepeatNgram, nbest, alignment, bosId, eosId,
                padId, incremental);
    }

    public DecodeOptions withMinLength(int value) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, value, noRepeatNgram, nbest, alignment, bosId,
                eosId, padId, incremental);
    }

    public DecodeOptions withNoRepeatNgram(int value) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, minLength, value, nbest, alignment, bosId,
                eosId, padId, incremental);
    }

    public DecodeOptions withNbest(int value) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, minLength, noRepeatNgram, value, alignment,
                bosId, eosId, padId, incremental);
    }

    public DecodeOptions withAlignment(boolean value) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, minLength, noRepeatNgram, nbest, value, bosId,
                eosId, padId, incremental);
    }

    public DecodeOptions withSpecialIds(int bos, int eos, int pad) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, minLength, noRepeatNgram, nbest, alignment, bos,
                eos, pad, incremental);
    }

    public DecodeOptions withIncremental(boolean value) {
        return new DecodeOptions(beam, lengthPenalty, maxLenA, maxLenB, minLength, noRepeatNgram, nbest, alignment,
                bosId, eosId, padId, value);
    }
}
