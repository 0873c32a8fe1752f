package dev.nlptoolkit.models.classifier;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads one classifier config object: checks its {@code model_type} and that every key is known
 * (a misspelt key would otherwise silently fall back to a default), then reads typed values, with
 * defaults for the optional ones. Also the checks every config record shares.
 */
final class ConfigJson {

    private final JsonObject json;
    private final ModelType type;

    /**
     * @param keys every key of this config besides {@value ClassifierConfig#MODEL_TYPE}
     * @param accepted the model types this config describes
     */
    ConfigJson(JsonObject json, List<String> keys, ModelType... accepted) {
        this.json = json;
        this.type = ModelType.fromConfigName(string(ClassifierConfig.MODEL_TYPE));
        if (!List.of(accepted).contains(type)) {
            throw new IllegalArgumentException("model_type '" + type.configName() + "' is not read by this config,"
                    + " which takes " + List.of(accepted).stream().map(ModelType::configName).toList()
                    + ": use TextClassifiers.create(json), which picks the config by model_type");
        }
        Set<String> unknown = new LinkedHashSet<>(json.keySet());
        unknown.remove(ClassifierConfig.MODEL_TYPE);
        keys.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + unknown + " in a '" + type.configName()
                    + "' config: the keys are " + keys);
        }
    }

    ModelType type() {
        return type;
    }

    int requiredInt(String key) {
        if (!json.has(key)) {
            throw new IllegalArgumentException("'" + type.configName() + "' config lacks the required key '" + key + "'");
        }
        return primitive(key).getAsInt();
    }

    int optInt(String key, int fallback) {
        return json.has(key) ? primitive(key).getAsInt() : fallback;
    }

    float optFloat(String key, float fallback) {
        return json.has(key) ? primitive(key).getAsFloat() : fallback;
    }

    boolean optBoolean(String key, boolean fallback) {
        if (!json.has(key)) {
            return fallback;
        }
        JsonPrimitive value = primitive(key);
        if (!value.isBoolean()) {
            throw new IllegalArgumentException("'" + key + "' must be true or false, got " + value);
        }
        return value.getAsBoolean();
    }

    /** An enum written as its lower-case name. */
    <E extends Enum<E>> E optEnum(String key, Class<E> kind, E fallback) {
        if (!json.has(key)) {
            return fallback;
        }
        String name = string(key);
        for (E constant : kind.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("'" + key + "' is '" + name + "'; use one of "
                + List.of(kind.getEnumConstants()).stream().map(ConfigJson::enumName).toList());
    }

    static String enumName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    private String string(String key) {
        return json.has(key) ? primitive(key).getAsString() : null;
    }

    private JsonPrimitive primitive(String key) {
        JsonElement element = json.get(key);
        if (!element.isJsonPrimitive()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, string or boolean, got " + element);
        }
        JsonPrimitive value = element.getAsJsonPrimitive();
        if (value.isNumber() || value.isString() || value.isBoolean()) {
            return value;
        }
        throw new IllegalArgumentException("'" + key + "' has an unreadable value " + element);
    }

    /** A JSON object that starts with {@value ClassifierConfig#MODEL_TYPE}. */
    static JsonObject start(ModelType type) {
        JsonObject json = new JsonObject();
        json.addProperty(ClassifierConfig.MODEL_TYPE, type.configName());
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
