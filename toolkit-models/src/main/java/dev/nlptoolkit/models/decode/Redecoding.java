package dev.nlptoolkit.models.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.seq2seq.DecoderCache;
import dev.nlptoolkit.models.seq2seq.EncoderOutput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;

/**
 * Decoding without a cache ({@link DecodeOptions#incremental()} false; Hugging Face's
 * {@code use_cache=False}): it keeps only the tokens so far (B', t) and the encoder output, and every
 * step runs the decoder over the whole prefix ({@link Seq2SeqModel#nextTokenLogits}). The outputs are
 * those of the model's cache at a cost quadratic in the length; the baseline a cache is measured
 * against. Keeps no attention weights.
 */
final class Redecoding implements DecoderCache {

    private final Seq2SeqModel model;
    private final NDManager owner;
    private EncoderOutput encoded;
    private NDArray prefix;

    /** Holds {@code encoded}'s rows, reordered copies of them in its own sub-manager of the memory's manager. */
    Redecoding(Seq2SeqModel model, EncoderOutput encoded) {
        this.model = model;
        this.encoded = encoded;
        owner = encoded.memory().getManager().newSubManager();
    }

    /** Appends {@code lastTokens} (B') to the prefix and returns the logits (B', V) after it, in their manager. */
    NDArray step(ParameterStore ps, NDArray lastTokens) {
        NDManager caller = lastTokens.getManager();
        // (B') -> (B', 1); copied, since the caller's ids may borrow a Java buffer that dies with its step
        NDArray column = lastTokens.reshape(-1, 1);
        NDArray longer = prefix == null ? column.duplicate() : prefix.concat(column, 1);
        longer.attach(owner);
        if (prefix != null) {
            prefix.close();
        }
        prefix = longer;
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(new NDList(prefix, encoded.memory(), encoded.mask()));
            NDArray logits = model.nextTokenLogits(ps, encoded, prefix);
            logits.attach(caller);
            return logits;
        }
    }

    @Override
    public long batchSize() {
        return encoded.batchSize();
    }

    @Override
    public long length() {
        return prefix == null ? 0 : prefix.getShape().get(1);
    }

    @Override
    public void reorder(NDArray order) {
        NDIndex rows = new NDIndex("{}", order);
        NDArray memory = encoded.memory().get(owner, rows);
        NDArray mask = encoded.mask().get(owner, rows);
        NDList initial = new NDList();
        for (NDArray state : encoded.initialState()) {
            // (L, B, H): rows on axis 1
            initial.add(state.get(owner, new NDIndex(":, {}", order)));
        }
        closeOwned(new NDList(encoded.memory(), encoded.mask()).addAll(encoded.initialState()));
        encoded = new EncoderOutput(memory, mask, initial);
        if (prefix != null) {
            NDArray old = prefix;
            prefix = old.get(owner, rows);
            old.close();
        }
    }

    /** Closes the arrays this cache made; the caller's encoder output stays theirs. */
    private void closeOwned(NDList arrays) {
        for (NDArray array : arrays) {
            if (array.getManager() == owner) {
                array.close();
            }
        }
    }

    /** Re-decoding keeps no attention weights: {@link DecodeOptions} refuses alignments without a cache. */
    @Override
    public NDArray lastAttention() {
        return null;
    }

    @Override
    public void close() {
        owner.close();
    }
}
