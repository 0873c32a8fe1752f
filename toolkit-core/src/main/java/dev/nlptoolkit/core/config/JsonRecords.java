package dev.nlptoolkit.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one mapping between config records and JSON objects that every model config uses: a record
 * component {@code hiddenSize} is the key {@code hidden_size} (or the name {@link Key} gives), enums
 * are written as their lower-case names, nested records as objects, lists as arrays.
 *
 * <p>Reading is strict, because a misspelt key would otherwise fall back to a default without a
 * word: every key must be a component (or one of the caller's own keys), {@link Required} components
 * must be present, and numbers must fit their type exactly (an {@code int} never reads {@code 1.5}).
 * Components the JSON leaves out take their value from a defaults instance; {@link Skip} components
 * always do. The record's own constructor then validates the values.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message names the config and the key.
 */
public final class JsonRecords {

    /** The JSON key of a component, when it is not the component's name in snake_case. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Key {
        String value();
    }

    /** A component that the JSON must give; the defaults' value for it is never used. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Required {}

    /** A component that is neither written nor read, because another key implies it (taken from the defaults). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    public @interface Skip {}

    private JsonRecords() {}

    /** Every component but the {@link Skip} ones, in declaration order; null components are left out. */
    public static JsonObject toJson(Record record) {
        JsonObject json = new JsonObject();
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.isAnnotationPresent(Skip.class)) {
                continue;
            }
            Object value = value(component, record);
            if (value != null) {
                json.add(key(component), write(value));
            }
        }
        return json;
    }

    /**
     * Reads {@code json} into a {@code type} record.
     *
     * @param name the config's name in error messages, e.g. its model type
     * @param defaults supplies every component the JSON leaves out
     * @param ownKeys keys the caller reads itself (such as {@code model_type}), allowed but not mapped
     * @throws IllegalArgumentException on an unknown key, a missing required key, a value of the wrong
     *     type, or a value the record's constructor rejects
     */
    public static <R extends Record> R fromJson(
            JsonObject json, Class<R> type, R defaults, String name, Collection<String> ownKeys) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> unknown = new LinkedHashSet<>(json.keySet());
        unknown.removeAll(ownKeys);
        List<String> keys = keys(type);
        keys.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown keys " + unknown + " in a '" + name + "' config: the keys are "
                    + keys);
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            String key = key(component);
            boolean given = !component.isAnnotationPresent(Skip.class) && json.has(key) && !json.get(key).isJsonNull();
            if (given) {
                Object fallback = defaults == null ? null : value(component, defaults);
                values[i] = read(json.get(key), component.getGenericType(), fallback, name, key);
            } else if (component.isAnnotationPresent(Required.class)) {
                throw new IllegalArgumentException("'" + name + "' config lacks the required key '" + key + "'");
            } else {
                values[i] = defaults == null ? null : value(component, defaults);
            }
        }
        return construct(type, types, values);
    }

    /** The JSON keys of {@code type}'s components, in declaration order, without the {@link Skip} ones. */
    public static List<String> keys(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (!component.isAnnotationPresent(Skip.class)) {
                keys.add(key(component));
            }
        }
        return keys;
    }

    /** {@code hiddenSize} -> {@code hidden_size}, unless {@link Key} says otherwise. */
    public static String key(RecordComponent component) {
        Key key = component.getAnnotation(Key.class);
        return key != null ? key.value() : snakeCase(component.getName());
    }

    /** An enum constant as configs write it: its lower-case name. */
    public static String enumName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    static String snakeCase(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static JsonElement write(Object value) {
        if (value instanceof Number number) {
            return new JsonPrimitive(number);
        } else if (value instanceof Boolean bool) {
            return new JsonPrimitive(bool);
        } else if (value instanceof String text) {
            return new JsonPrimitive(text);
        } else if (value instanceof Enum<?> constant) {
            return new JsonPrimitive(enumName(constant));
        } else if (value instanceof Record nested) {
            return toJson(nested);
        } else if (value instanceof Collection<?> list) {
            JsonArray array = new JsonArray();
            list.forEach(element -> array.add(write(element)));
            return array;
        } else if (value instanceof int[] ints) {
            JsonArray array = new JsonArray();
            for (int element : ints) {
                array.add(element);
            }
            return array;
        }
        throw new IllegalArgumentException("a config component of type " + value.getClass().getName()
                + " has no JSON form; use numbers, booleans, strings, enums, records or lists of them");
    }

    private static Object read(JsonElement element, Type type, Object fallback, String name, String key) {
        Class<?> raw = rawClass(type);
        if (raw == int.class || raw == Integer.class) {
            return exactInt(element, name, key);
        } else if (raw == long.class || raw == Long.class) {
            return exactLong(element, name, key);
        } else if (raw == float.class || raw == Float.class) {
            return number(element, name, key).floatValue();
        } else if (raw == double.class || raw == Double.class) {
            return number(element, name, key).doubleValue();
        } else if (raw == boolean.class || raw == Boolean.class) {
            if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isBoolean()) {
                throw wrongType(name, key, "true or false", element);
            }
            return element.getAsBoolean();
        } else if (raw == String.class) {
            if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
                throw wrongType(name, key, "a string", element);
            }
            return element.getAsString();
        } else if (raw.isEnum()) {
            return enumConstant(element, raw, name, key);
        } else if (raw.isRecord()) {
            if (!element.isJsonObject()) {
                throw wrongType(name, key, "an object", element);
            }
            return nested(element.getAsJsonObject(), raw, fallback, name + "." + key);
        } else if (raw == List.class && type instanceof ParameterizedType parameterized) {
            JsonArray array = array(element, name, key);
            List<Object> list = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                Type elementType = parameterized.getActualTypeArguments()[0];
                list.add(read(array.get(i), elementType, null, name, key + "[" + i + "]"));
            }
            return List.copyOf(list);
        } else if (raw == int[].class) {
            JsonArray array = array(element, name, key);
            int[] ints = new int[array.size()];
            for (int i = 0; i < ints.length; i++) {
                ints[i] = exactInt(array.get(i), name, key + "[" + i + "]");
            }
            return ints;
        }
        throw new IllegalArgumentException("'" + name + "' config: '" + key + "' is of a type (" + type.getTypeName()
                + ") that configs cannot hold");
    }

    @SuppressWarnings("unchecked")
    private static Object nested(JsonObject json, Class<?> raw, Object fallback, String name) {
        Class<? extends Record> type = (Class<? extends Record>) raw;
        return fromJson(json, (Class<Record>) type, (Record) fallback, name, List.of());
    }

    private static Object enumConstant(JsonElement element, Class<?> type, String name, String key) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isString()) {
            throw wrongType(name, key, "a string", element);
        }
        String text = element.getAsString();
        List<String> choices = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            Enum<?> e = (Enum<?>) constant;
            if (e.name().equalsIgnoreCase(text)) {
                return e;
            }
            choices.add(enumName(e));
        }
        throw new IllegalArgumentException("'" + name + "' config: '" + key + "' is '" + text + "'; use one of "
                + choices);
    }

    private static BigDecimal number(JsonElement element, String name, String key) {
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
            throw wrongType(name, key, "a number", element);
        }
        return element.getAsBigDecimal();
    }

    private static BigDecimal exactNumber(JsonElement element, String name, String key) {
        BigDecimal number = number(element, name, key);
        try {
            return new BigDecimal(number.toBigIntegerExact());
        } catch (ArithmeticException e) {
            throw wrongType(name, key, "a whole number", element);
        }
    }

    private static int exactInt(JsonElement element, String name, String key) {
        try {
            return exactNumber(element, name, key).intValueExact();
        } catch (ArithmeticException e) {
            throw wrongType(name, key, "a whole number that fits in 32 bits", element);
        }
    }

    private static long exactLong(JsonElement element, String name, String key) {
        try {
            return exactNumber(element, name, key).longValueExact();
        } catch (ArithmeticException e) {
            throw wrongType(name, key, "a whole number that fits in 64 bits", element);
        }
    }

    private static JsonArray array(JsonElement element, String name, String key) {
        if (!element.isJsonArray()) {
            throw wrongType(name, key, "an array", element);
        }
        return element.getAsJsonArray();
    }

    private static IllegalArgumentException wrongType(String name, String key, String expected, JsonElement got) {
        return new IllegalArgumentException(
                "'" + name + "' config: '" + key + "' must be " + expected + ", got " + got);
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        throw new IllegalArgumentException("config components must have concrete types, not " + type.getTypeName());
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            var accessor = component.getAccessor();
            accessor.trySetAccessible();
            return accessor.invoke(record);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + component + " of " + record.getClass().getName(), e);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        }
    }

    private static <R extends Record> R construct(Class<R> type, Class<?>[] types, Object[] values) {
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            constructor.trySetAccessible();
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the canonical constructor of " + type.getName(), e);
        }
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        if (e.getCause() instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e.getCause());
    }
}
