package dev.nlptoolkit.models.seq2seq;

import com.google.gson.JsonObject;

/**
 * The hyper-parameters of a translation model: one record per architecture, each written to and read
 * from JSON with its {@value #MODEL_TYPE} (see {@link Seq2SeqModels#readConfig}).
 */
public sealed interface Seq2SeqConfig permits LstmAttentionSeq2Seq.Config, TransformerSeq2Seq.Config {

    /** The JSON key naming the architecture. */
    String MODEL_TYPE = "model_type";

    Seq2SeqModelType modelType();

    /** Rows of the source embedding. */
    int sourceVocabSize();

    /** V, rows of the target embedding and size of the output layer. */
    int targetVocabSize();

    /** E, the width of the token embeddings. */
    int embeddingSize();

    /** The padding id of both vocabularies; its embedding rows start at zero. */
    int padId();

    /** Every field, snake_case ({@link dev.nlptoolkit.core.config.JsonRecords}), after {@value #MODEL_TYPE}. */
    default JsonObject toJson() {
        return Seq2SeqConfigJson.TYPES.write(modelType(), (Record) this);
    }
}
