package dev.nlptoolkit.models.classifier;

import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.config.TaggedConfigs;

/**
 * Classifier configs on {@link TaggedConfigs}: the {@value ClassifierConfig#MODEL_TYPE} key each config
 * starts with, and the checks every config record shares.
 */
final class ConfigJson {

    static final TaggedConfigs<ModelType> TYPES = new TaggedConfigs<>(
            "classifier", ClassifierConfig.MODEL_TYPE, ModelType.class, "TextClassifiers.readConfig(json)");

    /**
     * Stand-ins for the required keys in a defaults instance: {@link TaggedConfigs#read} reads those keys
     * from the JSON or fails, so these values never reach a config.
     */
    static final int ANY_VOCAB_SIZE = 1;

    static final int ANY_NUM_CLASSES = 2;

    private ConfigJson() {}

    /** The checks every config makes: positive sizes, a real padding row, at least two classes. */
    static void checkCommon(String model, int vocabSize, int numClasses, int padId, float dropout) {
        ConfigChecks.positive(model, "vocab_size", vocabSize);
        if (numClasses < 2) {
            throw new IllegalArgumentException(model + ": num_classes is " + numClasses
                    + "; a classifier needs at least 2 (set it to the number of labels in the training data)");
        }
        if (padId < 0 || padId >= vocabSize) {
            throw new IllegalArgumentException(model + ": pad_id " + padId + " is not in [0, vocab_size = "
                    + vocabSize + "): use the vocabulary's padding id (0 for WordVocabulary)");
        }
        ConfigChecks.dropout(model, "dropout", dropout);
    }
}
