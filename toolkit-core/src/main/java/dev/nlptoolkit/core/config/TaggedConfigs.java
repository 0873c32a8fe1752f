package dev.nlptoolkit.core.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.Arrays;
import java.util.List;

/**
 * A family of config records told apart by a type key in their JSON ({@code "model_type": "cnn"}),
 * as Hugging Face's {@code AutoConfig} tells configs apart: the key comes first when written, picks
 * the record when read, and every other key is read strictly by {@link JsonRecords}. Type names are
 * read case-insensitively.
 *
 * @param <T> the family's types, named in configs by {@link ConfigName#configName()}
 */
public final class TaggedConfigs<T extends Enum<T> & ConfigName> {

    private final String family;
    private final String key;
    private final Class<T> types;
    private final String dispatcher;

    /**
     * @param family what the configs are, for messages ("classifier")
     * @param key the type key ("model_type")
     * @param types the enum of the family's types
     * @param dispatcher the call that reads a config of any type, named when a record is given another's JSON
     */
    public TaggedConfigs(String family, String key, Class<T> types, String dispatcher) {
        this.family = family;
        this.key = key;
        this.types = types;
        this.dispatcher = dispatcher;
    }

    /** The type {@code json} names, whichever it is. */
    public T type(JsonObject json) {
        JsonElement name = json == null ? null : json.get(key);
        if (name == null || !name.isJsonPrimitive()) {
            throw new IllegalArgumentException("a " + family + " config needs \"" + key + "\", one of " + names());
        }
        return ConfigName.parseIgnoringCase(types, key, name.getAsString());
    }

    /** The type {@code json} names, which must be one of {@code accepted} (the types a record reads). */
    @SafeVarargs
    public final T type(JsonObject json, T... accepted) {
        T type = type(json);
        if (!List.of(accepted).contains(type)) {
            throw new IllegalArgumentException(key + " '" + type.configName() + "' is not read by this config, which"
                    + " takes " + Arrays.stream(accepted).map(ConfigName::configName).toList() + ": use "
                    + dispatcher + ", which picks the config by " + key);
        }
        return type;
    }

    /** Reads a record of {@code type} (checked against the JSON's), every other key strictly. */
    public <R extends Record> R read(JsonObject json, Class<R> record, R defaults, T type) {
        type(json, type);
        return JsonRecords.fromJson(json, record, defaults, type.configName(), List.of(key));
    }

    /** The type key first, then every field of {@code config}. */
    public JsonObject write(T type, Record config) {
        JsonObject json = new JsonObject();
        json.addProperty(key, type.configName());
        JsonRecords.toJson(config).entrySet().forEach(entry -> json.add(entry.getKey(), entry.getValue()));
        return json;
    }

    private List<String> names() {
        return Arrays.stream(types.getEnumConstants()).map(ConfigName::configName).toList();
    }
}
