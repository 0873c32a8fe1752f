package dev.nlptoolkit.core.config;

/**
 * Range checks that model config records make in their constructors; each message names the model
 * and the JSON key, as {@link JsonRecords}' own errors do.
 */
public final class ConfigChecks {

    private ConfigChecks() {}

    /** {@code value} must be at least 1. */
    public static void positive(String model, String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(model + ": " + key + " is " + value + "; it must be at least 1");
        }
    }

    /** {@code value} must be given. */
    public static void required(String model, String key, Object value) {
        if (value == null) {
            throw new IllegalArgumentException(model + ": " + key + " is required");
        }
    }

    /** A dropout rate lies in [0, 1). */
    public static void dropout(String model, String key, float rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException(model + ": " + key + " is " + rate + "; use a value in [0, 1)");
        }
    }
}
