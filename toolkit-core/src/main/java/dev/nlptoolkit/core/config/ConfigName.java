package dev.nlptoolkit.core.config;

import java.util.Arrays;

/**
 * An enum constant that configs name by a string of their own ({@code "bilstm-attention"},
 * {@code "gelu_new"}) rather than by its Java name.
 */
public interface ConfigName {

    /** The string configs use for this constant. */
    String configName();

    /**
     * The constant of {@code type} whose {@link #configName()} is {@code name} exactly.
     *
     * @throws IllegalArgumentException naming {@code key}, the value given and every accepted one
     */
    static <E extends Enum<E> & ConfigName> E parse(Class<E> type, String key, String name) {
        return parse(type, key, name, false);
    }

    /** As {@link #parse}, but {@code name} may be in any case ({@code "LSTM"} for {@code "lstm"}). */
    static <E extends Enum<E> & ConfigName> E parseIgnoringCase(Class<E> type, String key, String name) {
        return parse(type, key, name, true);
    }

    private static <E extends Enum<E> & ConfigName> E parse(Class<E> type, String key, String name, boolean anyCase) {
        E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (anyCase ? constant.configName().equalsIgnoreCase(name) : constant.configName().equals(name)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("unknown " + key + " '" + name + "': use one of "
                + Arrays.stream(constants).map(ConfigName::configName).toList());
    }
}
