package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

/** Builds the classifiers trained from scratch from their configs, and initialises them. */
public final class TextClassifiers {

    /** Parameter shapes do not depend on batch or length: one token of one row is enough to initialise. */
    private static final Shape ONE_TOKEN = new Shape(1, 1);

    private TextClassifiers() {}

    /**
     * Reads a config written by {@link ClassifierConfig#toJson()} (or by hand), picking the record by
     * {@value ClassifierConfig#MODEL_TYPE}.
     *
     * @throws IllegalArgumentException if the model type is unknown, a key is unknown or missing, or a
     *     value is out of range; the message says which and how to fix it
     */
    public static ClassifierConfig readConfig(JsonObject json) {
        return switch (ConfigJson.TYPES.type(json)) {
            case RNN, LSTM -> RecurrentClassifier.Config.fromJson(json);
            case BILSTM_ATTENTION -> BiLstmAttentionClassifier.Config.fromJson(json);
            case RCNN -> RcnnClassifier.Config.fromJson(json);
            case CNN -> CnnClassifier.Config.fromJson(json);
            case TRANSFORMER -> TransformerClassifier.Config.fromJson(json);
        };
    }

    /** The uninitialised Block a JSON config describes; see {@link #readConfig}. */
    public static TextClassifier create(JsonObject json) {
        return create(readConfig(json));
    }

    /** The uninitialised Block {@code config} describes. */
    public static TextClassifier create(ClassifierConfig config) {
        // each model type has exactly one config record (ClassifierConfig is sealed)
        return switch (config.modelType()) {
            case RNN, LSTM -> RecurrentClassifier.builder().setConfig((RecurrentClassifier.Config) config).build();
            case BILSTM_ATTENTION -> BiLstmAttentionClassifier.builder()
                    .setConfig((BiLstmAttentionClassifier.Config) config).build();
            case RCNN -> RcnnClassifier.builder().setConfig((RcnnClassifier.Config) config).build();
            case CNN -> CnnClassifier.builder().setConfig((CnnClassifier.Config) config).build();
            case TRANSFORMER -> TransformerClassifier.builder().setConfig((TransformerClassifier.Config) config).build();
        };
    }

    /** Draws the parameters of {@code classifier} in {@code manager} as float32; seed the engine first. */
    public static void initialize(TextClassifier classifier, NDManager manager) {
        classifier.initialize(manager, DataType.FLOAT32, ONE_TOKEN, ONE_TOKEN);
    }

    /** {@link #create(JsonObject)} then {@link #initialize}. */
    public static TextClassifier createInitialized(JsonObject json, NDManager manager) {
        TextClassifier classifier = create(json);
        initialize(classifier, manager);
        return classifier;
    }
}
