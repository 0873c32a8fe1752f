package dev.nlptoolkit.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

class TaggedConfigsTest {

    enum Kind implements ConfigName {
        SMALL_NET("small-net"),
        BIG_NET("big-net");

        private final String configName;

        Kind(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    record Small(@JsonRecords.Required int width, float dropout) {
        Small {
            ConfigChecks.positive("small-net", "width", width);
            ConfigChecks.dropout("small-net", "dropout", dropout);
        }
    }

    private static final TaggedConfigs<Kind> KINDS = new TaggedConfigs<>("toy", "model_type", Kind.class, "Toys.read");
    private static final Small DEFAULTS = new Small(1, 0.1f);

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static String message(Runnable call) {
        return assertThrows(IllegalArgumentException.class, call::run).getMessage();
    }

    @Test
    void writesTheTypeKeyFirstAndReadsItBack() {
        JsonObject written = KINDS.write(Kind.SMALL_NET, new Small(8, 0.25f));
        assertEquals("{\"model_type\":\"small-net\",\"width\":8,\"dropout\":0.25}", written.toString());
        assertEquals(new Small(8, 0.25f), KINDS.read(written, Small.class, DEFAULTS, Kind.SMALL_NET));
        assertEquals(Kind.SMALL_NET, KINDS.type(written));
    }

    @Test
    void readsTypeNamesInAnyCaseAndNamesTheAcceptedOnesOtherwise() {
        assertEquals(Kind.BIG_NET, KINDS.type(json("{\"model_type\": \"Big-Net\"}")));
        assertEquals("unknown model_type 'gru': use one of [small-net, big-net]",
                message(() -> KINDS.type(json("{\"model_type\": \"gru\"}"))));
        assertEquals("a toy config needs \"model_type\", one of [small-net, big-net]",
                message(() -> KINDS.type(json("{\"width\": 3}"))));
        assertEquals("a toy config needs \"model_type\", one of [small-net, big-net]", message(() -> KINDS.type(null)));
    }

    @Test
    void aRecordRefusesAnotherTypesJsonAndNamesTheCallThatPicksByType() {
        assertEquals("model_type 'big-net' is not read by this config, which takes [small-net]: use Toys.read,"
                        + " which picks the config by model_type",
                message(() -> KINDS.read(json("{\"model_type\": \"big-net\", \"width\": 3}"), Small.class, DEFAULTS,
                        Kind.SMALL_NET)));
    }

    @Test
    void otherKeysAreReadStrictlyAndCheckedByTheRecord() {
        assertEquals(new Small(3, 0.1f),
                KINDS.read(json("{\"model_type\": \"small-net\", \"width\": 3}"), Small.class, DEFAULTS,
                        Kind.SMALL_NET));
        assertEquals("small-net: width is 0; it must be at least 1", message(() -> KINDS.read(
                json("{\"model_type\": \"small-net\", \"width\": 0}"), Small.class, DEFAULTS, Kind.SMALL_NET)));
        assertEquals("small-net: dropout is 1.0; use a value in [0, 1)", message(() -> KINDS.read(
                json("{\"model_type\": \"small-net\", \"width\": 2, \"dropout\": 1}"), Small.class, DEFAULTS,
                Kind.SMALL_NET)));
    }

    @Test
    void configNamesParseExactlyOrIgnoringCase() {
        assertEquals(Kind.BIG_NET, ConfigName.parse(Kind.class, "kind", "big-net"));
        assertEquals("unknown kind 'BIG-NET': use one of [small-net, big-net]",
                message(() -> ConfigName.parse(Kind.class, "kind", "BIG-NET")));
        assertEquals(Kind.BIG_NET, ConfigName.parseIgnoringCase(Kind.class, "kind", "BIG-NET"));
        assertEquals("unknown kind 'null': use one of [small-net, big-net]",
                message(() -> ConfigName.parseIgnoringCase(Kind.class, "kind", null)));
        assertEquals("m: activation is required", message(() -> ConfigChecks.required("m", "activation", null)));
    }
}
