package dev.nlptoolkit.models.seq2seq;

import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.config.TaggedConfigs;

/** Seq2seq configs on {@link TaggedConfigs}: the {@value Seq2SeqConfig#MODEL_TYPE} key, and the checks they share. */
final class Seq2SeqConfigJson {

    static final TaggedConfigs<Seq2SeqModelType> TYPES = new TaggedConfigs<>(
            "seq2seq", Seq2SeqConfig.MODEL_TYPE, Seq2SeqModelType.class, "Seq2SeqModels.readConfig(json)");

    /** A stand-in for the required vocabulary sizes in a defaults instance; never reaches a config. */
    static final int ANY_VOCAB_SIZE = 1;

    private Seq2SeqConfigJson() {}

    /** The checks every config makes: positive vocabularies, a padding id in both, a dropout rate. */
    static void checkCommon(String model, int sourceVocabSize, int targetVocabSize, int padId, float dropout) {
        ConfigChecks.positive(model, "source_vocab_size", sourceVocabSize);
        ConfigChecks.positive(model, "target_vocab_size", targetVocabSize);
        if (padId < 0 || padId >= Math.min(sourceVocabSize, targetVocabSize)) {
            throw new IllegalArgumentException(model + ": pad_id " + padId + " is not in both vocabularies ("
                    + sourceVocabSize + " and " + targetVocabSize + " rows): use the tokenizer's padding id");
        }
        ConfigChecks.dropout(model, "dropout", dropout);
    }
}
