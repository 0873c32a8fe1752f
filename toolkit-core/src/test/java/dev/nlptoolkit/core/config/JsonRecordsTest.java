package dev.nlptoolkit.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import java.util.List;

class JsonRecordsTest {

    enum Norm { PRE, POST }

    record Inner(int width, String name) {}

    record Sample(
            @JsonRecords.Required int vocabSize,
            @JsonRecords.Key("num_heads") int heads,
            float dropout,
            boolean tied,
            Norm normPlacement,
            long maxSteps,
            List<Integer> filterWidths,
            int[] strides,
            Inner inner,
            @JsonRecords.Skip String derived) {

        Sample {
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("dropout is " + dropout + "; use a value in [0, 1)");
            }
        }
    }

    private static final Sample DEFAULTS = new Sample(1, 4, 0.1f, false, Norm.PRE, 10L, List.of(3, 4, 5),
            new int[] {1}, new Inner(7, "x"), "from-defaults");

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static Sample read(String text) {
        return JsonRecords.fromJson(json(text), Sample.class, DEFAULTS, "sample", List.of("model_type"));
    }

    @Test
    void writesSnakeCaseKeysInDeclarationOrderWithLowerCaseEnumsAndWithoutSkippedComponents() {
        JsonObject written = JsonRecords.toJson(new Sample(30, 8, 0.3f, true, Norm.POST, 1L << 40, List.of(2),
                new int[] {1, 2}, new Inner(5, "n"), "ignored"));
        assertEquals("{\"vocab_size\":30,\"num_heads\":8,\"dropout\":0.3,\"tied\":true,\"norm_placement\":\"post\","
                + "\"max_steps\":1099511627776,\"filter_widths\":[2],\"strides\":[1,2],"
                + "\"inner\":{\"width\":5,\"name\":\"n\"}}", written.toString());
    }

    @Test
    void readsWhatItWritesAndTakesDefaultsForMissingKeys() {
        Sample sample = new Sample(30, 8, 0.3f, true, Norm.POST, 1L << 40, List.of(2, 9), new int[] {1, 2},
                new Inner(5, "n"), "from-defaults");
        Sample back = JsonRecords.fromJson(JsonRecords.toJson(sample), Sample.class, DEFAULTS, "sample", List.of());
        assertEquals(sample.filterWidths(), back.filterWidths());
        assertArrayEquals(sample.strides(), back.strides());
        assertEquals(JsonRecords.toJson(sample), JsonRecords.toJson(back));
        assertEquals("from-defaults", back.derived());

        Sample minimal = read("{\"vocab_size\": 12, \"model_type\": \"x\", \"inner\": {\"width\": 2}}");
        assertEquals(12, minimal.vocabSize());
        assertEquals(4, minimal.heads());
        assertEquals(0.1f, minimal.dropout());
        assertEquals(Norm.PRE, minimal.normPlacement());
        assertEquals(new Inner(2, "x"), minimal.inner(), "a nested object takes its missing keys from the defaults");
    }

    @Test
    void rejectsUnknownKeysNamingThemAndListingTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"vocab_size\": 12, \"hiden_size\": 3}"));
        assertTrue(e.getMessage().contains("[hiden_size]") && e.getMessage().contains("num_heads")
                && e.getMessage().contains("'sample'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 12, \"derived\": \"y\"}"),
                "a skipped component is not a key");
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1, \"inner\": {\"wdith\": 2}}"));
    }

    @Test
    void requiredKeysMustBeGiven() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read("{\"num_heads\": 2}"));
        assertEquals("'sample' config lacks the required key 'vocab_size'", e.getMessage());
    }

    @Test
    void valuesMustHaveTheirComponentsTypeExactly() {
        assertEquals("'sample' config: 'num_heads' must be a whole number, got 1.5",
                assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1, \"num_heads\": 1.5}"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1e10}"), "int overflow");
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": \"12\"}"));
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1, \"tied\": 1}"));
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1, \"filter_widths\": [3, \"a\"]}"));
        assertThrows(IllegalArgumentException.class, () -> read("{\"vocab_size\": 1, \"inner\": 3}"));
        assertEquals(2, read("{\"vocab_size\": 2.0}").vocabSize(), "a whole number written with a point is exact");
    }

    @Test
    void enumsReadAnyCaseAndListTheChoicesOtherwise() {
        assertEquals(Norm.POST, read("{\"vocab_size\": 1, \"norm_placement\": \"POST\"}").normPlacement());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"vocab_size\": 1, \"norm_placement\": \"middle\"}"));
        assertEquals("'sample' config: 'norm_placement' is 'middle'; use one of [pre, post]", e.getMessage());
    }

    @Test
    void theRecordsOwnValidationStillRuns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("{\"vocab_size\": 1, \"dropout\": 1.5}"));
        assertEquals("dropout is 1.5; use a value in [0, 1)", e.getMessage());
    }

    @Test
    void snakeCaseSplitsAtEveryCapital() {
        assertEquals("feed_forward_size", JsonRecords.snakeCase("feedForwardSize"));
        assertEquals("pad_id", JsonRecords.snakeCase("padId"));
        assertEquals("heads", JsonRecords.snakeCase("heads"));
    }
}
