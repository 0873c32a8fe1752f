package dev.nlptoolkit.models.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;

import java.util.List;

/** A search over a {@link Seq2SeqModel}'s outputs: {@link GreedyDecoder} or {@link BeamSearch}. */
public interface SequenceDecoder {

    /**
     * Decodes a batch of sources; the encoder runs once. Every array the search creates lives in
     * scoped sub-managers of the sources' manager and is closed before it returns.
     *
     * @param sourceIds (B, S) int64
     * @param sourceMask (B, S), nonzero for real tokens; every row has at least one
     * @return per sentence, in input order, up to {@code nbest} hypotheses, best first
     */
    List<List<Hypothesis>> decode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask);

    /** Greedy decoding for beam 1, beam search otherwise. */
    static SequenceDecoder of(Seq2SeqModel model, DecodeOptions options) {
        return options.beam() == 1 ? new GreedyDecoder(model, options) : new BeamSearch(model, options);
    }
}
