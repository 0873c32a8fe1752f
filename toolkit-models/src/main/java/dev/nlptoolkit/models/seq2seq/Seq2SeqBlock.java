package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.embedding.TokenEmbedding;

/**
 * What the encoder-decoders share as DJL Blocks: the config they are built from, and {@link
 * Seq2SeqInput} to teacher-forced logits (B, T, V) as their forward pass.
 *
 * @param <C> the architecture's config record
 */
abstract class Seq2SeqBlock<C extends Seq2SeqConfig> extends AbstractBlock implements Seq2SeqModel {

    private static final byte VERSION = 1;
    /** T in (B, T, ...). */
    static final int TIME_AXIS = 1;

    final C config;

    Seq2SeqBlock(C config) {
        super(VERSION);
        this.config = config;
    }

    @Override
    public C config() {
        return config;
    }

    /** A token embedding of {@code rows} rows of E, its padding row zero; the caller may add options. */
    TokenEmbedding.Builder embedding(int rows) {
        return TokenEmbedding.builder().setNumEmbeddings(rows).setEmbeddingSize(config.embeddingSize())
                .optPaddingId(config.padId());
    }

    /** {@link Seq2SeqInput#toNDList()} -> teacher-forced logits (B, T, V). */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(logits(ps, Seq2SeqInput.fromNDList(inputs), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape target = inputShapes[2];
        return new Shape[] {new Shape(target.get(0), target.get(1), config.targetVocabSize())};
    }
}
