package dev.nlptoolkit.models.seq2seq;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.JsonRecords;

import java.util.List;

/** Seq2seq configs on {@link JsonRecords}: the {@value Seq2SeqConfig#MODEL_TYPE} key, and the checks they share. */
final class Seq2SeqConfigJson {

    /** A stand-in for the required vocabulary sizes in a defaults instance; never reaches a config. */
    static final int ANY_VOCAB_SIZE = 1;

    private Seq2SeqConfigJson() {}

    /** The model type {@code json} names; any type when {@code expected} is null. */
    static Seq2SeqModelType modelType(JsonObject json, Seq2SeqModelType expected) {
        JsonElement name = json == null ? null : json.get(Seq2SeqConfig.MODEL_TYPE);
        if (name == null || !name.isJsonPrimitive()) {
            throw new IllegalArgumentException("a seq2seq config needs \"" + Seq2SeqConfig.MODEL_TYPE + "\", one of "
                    + List.of(Seq2SeqModelType.values()).stream().map(Seq2SeqModelType::configName).toList());
        }
        Seq2SeqModelType type = Seq2SeqModelType.fromConfigName(name.getAsString());
        if (expected != null && type != expected) {
            throw new IllegalArgumentException("model_type '" + type.configName() + "' is not read by the '"
                    + expected.configName() + "' config: use Seq2SeqModels.readConfig(json), which picks the config"
                    + " by model_type");
        }
        return type;
    }

    /** Reads a config of {@code modelType} (checked against the JSON's), every other key strictly. */
    static <R extends Record> R read(JsonObject json, Class<R> type, R defaults, Seq2SeqModelType modelType) {
        modelType(json, modelType);
        return JsonRecords.fromJson(json, type, defaults, modelType.configName(), List.of(Seq2SeqConfig.MODEL_TYPE));
    }

    /** {@value Seq2SeqConfig#MODEL_TYPE} first, then every field. */
    static JsonObject write(Seq2SeqConfig config) {
        JsonObject json = new JsonObject();
        json.addProperty(Seq2SeqConfig.MODEL_TYPE, config.modelType().configName());
        JsonRecords.toJson((Record) config).entrySet().forEach(entry -> json.add(entry.getKey(), entry.getValue()));
        return json;
    }

    /** The checks every config makes: positive vocabularies, a padding id in both, a dropout rate. */
    static void checkCommon(String model, int sourceVocabSize, int targetVocabSize, int padId, float dropout) {
        checkPositive(model, "source_vocab_size", sourceVocabSize);
        checkPositive(model, "target_vocab_size", targetVocabSize);
        if (padId < 0 || padId >= Math.min(sourceVocabSize, targetVocabSize)) {
            throw new IllegalArgumentException(model + ": pad_id " + padId + " is not in both vocabularies ("
                    + sourceVocabSize + " and " + targetVocabSize + " rows): use the tokenizer's padding id");
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

    static void checkRequired(String model, String key, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(model + ": " + key + " is required");
        }
    }
}
