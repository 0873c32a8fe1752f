package dev.nlptoolkit.models.classifier;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.JsonRecords;

import java.util.List;

/**
 * Classifier configs on {@link JsonRecords}: the {@value ClassifierConfig#MODEL_TYPE} key each config
 * starts with, and the checks every config record shares.
 */
final class ConfigJson {

    /**
     * Stand-ins for the required keys in a defaults instance: {@link JsonRecords} reads those keys from
     * the JSON or fails, so these values never reach a config.
     */
    static final int ANY_VOCAB_SIZE = 1;

    static final int ANY_NUM_CLASSES = 2;

    private ConfigJson() {}

    /** The model type {@code json} names, which must be one of {@code accepted}. */
    static ModelType modelType(JsonObject json, ModelType... accepted) {
        JsonElement name = json.get(ClassifierConfig.MODEL_TYPE);
        if (name == null || !name.isJsonPrimitive()) {
            throw new IllegalArgumentException("a classifier config needs \"" + ClassifierConfig.MODEL_TYPE
                    + "\", one of " + List.of(accepted).stream().map(ModelType::configName).toList());
        }
        ModelType type = ModelType.fromConfigName(name.getAsString());
        if (!List.of(accepted).contains(type)) {
            throw new IllegalArgumentException("model_type '" + type.configName() + "' is not read by this config,"
                    + " which takes " + List.of(accepted).stream().map(ModelType::configName).toList()
                    + ": use TextClassifiers.create(json), which picks the config by model_type");
        }
        return type;
    }

    /** Reads a config of {@code modelType} (checked against the JSON's), every other key strictly. */
    static <R extends Record> R read(JsonObject json, Class<R> type, R defaults, ModelType modelType) {
        modelType(json, modelType);
        return JsonRecords.fromJson(json, type, defaults, modelType.configName(), List.of(ClassifierConfig.MODEL_TYPE));
    }

    /** {@value ClassifierConfig#MODEL_TYPE} first, then every field. */
    static JsonObject write(ClassifierConfig config) {
        JsonObject json = new JsonObject();
        json.addProperty(ClassifierConfig.MODEL_TYPE, config.modelType().configName());
        JsonRecords.toJson((Record) config).entrySet().forEach(entry -> json.add(entry.getKey(), entry.getValue()));
        return json;
    }

    /** The checks every config makes: positive sizes, a real padding row, at least two classes. */
    static void checkCommon(String model, int vocabSize, int numClasses, int padId, float dropout) {
        checkPositive(model, "vocab_size", vocabSize);
        if (numClasses < 2) {
            throw new IllegalArgumentException(model + ": num_classes is " + numClasses
                    + "; a classifier needs at least 2 (set it to the number of labels in the training data)");
        }
        if (padId < 0 || padId >= vocabSize) {
            throw new IllegalArgumentException(model + ": pad_id " + padId + " is not in [0, vocab_size = "
                    + vocabSize + "): use the vocabulary's padding id (0 for WordVocabulary)");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(model + ": dropout is " + dropout + "; use a value in [0, 1)");
        }
    }

    static void checkPositive(String model, String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(model + ": " + key + " is " + value + "; it must be at least 1");
        }
    }
}
