package dev.nlptoolkit.models.classifier;

import com.google.gson.JsonObject;

/**
 * The hyper-parameters of a classifier trained from scratch: one record per architecture, each
 * written to and read from JSON with its {@code model_type} (see {@link TextClassifiers#create}).
 */
public sealed interface ClassifierConfig
        permits RecurrentClassifier.Config, BiLstmAttentionClassifier.Config, RcnnClassifier.Config,
                CnnClassifier.Config, TransformerClassifier.Config {

    /** The JSON key naming the architecture. */
    String MODEL_TYPE = "model_type";

    ModelType modelType();

    /** V, rows of the token embedding. */
    int vocabSize();

    /** E, the width of the token embedding. */
    int embeddingSize();

    /** C, the number of classes. */
    int numClasses();

    /** The padding token id; its embedding row starts at zero. */
    int padId();

    /** Every field, snake_case ({@link dev.nlptoolkit.core.config.JsonRecords}), after {@value #MODEL_TYPE}. */
    default JsonObject toJson() {
        return ConfigJson.TYPES.write(modelType(), (Record) this);
    }
}
