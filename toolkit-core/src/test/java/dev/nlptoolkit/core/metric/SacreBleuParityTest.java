package dev.nlptoolkit.core.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Corpus BLEU and chrF against the values sacrebleu 2.6 gives (test-fixtures/bleu/cases.json, made
 * by tools/fixtures/make_bleu_fixture.py): every case under every setting, scores within 1e-9.
 */
class SacreBleuParityTest {

    /** Both compute the same operations in the same order; only the last bits of exp and log may differ. */
    private static final double TOLERANCE = 1e-9;

    private static List<JsonObject> cases() throws Exception {
        Path file = Paths.get(SacreBleuParityTest.class.getResource("/fixtures/bleu/cases.json").toURI());
        JsonObject root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        assertEquals("2.6.0", root.get("sacrebleu").getAsString());
        List<JsonObject> cases = new ArrayList<>();
        root.getAsJsonArray("cases").forEach(c -> cases.add(c.getAsJsonObject()));
        return cases;
    }

    private static List<String> strings(JsonArray array) {
        List<String> strings = new ArrayList<>();
        array.forEach(e -> strings.add(e.isJsonNull() ? null : e.getAsString()));
        return strings;
    }

    private static List<List<String>> streams(JsonObject testCase) {
        List<List<String>> streams = new ArrayList<>();
        testCase.getAsJsonArray("references").forEach(s -> streams.add(strings(s.getAsJsonArray())));
        return streams;
    }

    private static long[] longs(JsonArray array) {
        return array.asList().stream().mapToLong(JsonElement::getAsLong).toArray();
    }

    static Bleu bleu(JsonObject settings) {
        Bleu.Builder builder = Bleu.builder();
        if (settings.has("tokenize")) {
            builder.optTokenizer(BleuTokenizer.fromSignature(settings.get("tokenize").getAsString()));
        }
        if (settings.has("lowercase")) {
            builder.optLowercase(settings.get("lowercase").getAsBoolean());
        }
        if (settings.has("smooth_method")) {
            builder.optSmoothing(Bleu.Smoothing.valueOf(
                    settings.get("smooth_method").getAsString().replace('-', '_').toUpperCase(Locale.ROOT)));
        }
        if (settings.has("smooth_value")) {
            builder.optSmoothValue(settings.get("smooth_value").getAsDouble());
        }
        if (settings.has("effective_order")) {
            builder.optEffectiveOrder(settings.get("effective_order").getAsBoolean());
        }
        return builder.build();
    }

    static Chrf chrf(JsonObject settings) {
        Chrf.Builder builder = Chrf.builder();
        if (settings.has("char_order")) {
            builder.optCharOrder(settings.get("char_order").getAsInt());
        }
        if (settings.has("word_order")) {
            builder.optWordOrder(settings.get("word_order").getAsInt());
        }
        if (settings.has("beta")) {
            builder.optBeta(settings.get("beta").getAsInt());
        }
        if (settings.has("lowercase")) {
            builder.optLowercase(settings.get("lowercase").getAsBoolean());
        }
        if (settings.has("whitespace")) {
            builder.optWhitespace(settings.get("whitespace").getAsBoolean());
        }
        if (settings.has("eps_smoothing")) {
            builder.optEpsSmoothing(settings.get("eps_smoothing").getAsBoolean());
        }
        return builder.build();
    }

    @TestFactory
    List<DynamicTest> bleuEqualsSacreBleu() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject testCase : cases()) {
            List<String> hypotheses = strings(testCase.getAsJsonArray("hypotheses"));
            List<List<String>> streams = streams(testCase);
            for (JsonElement element : testCase.getAsJsonArray("bleu")) {
                JsonObject expected = element.getAsJsonObject();
                JsonObject settings = expected.getAsJsonObject("settings");
                tests.add(dynamicTest(testCase.get("name").getAsString() + " " + settings, () -> {
                    BleuScore score = bleu(settings).corpusScore(hypotheses, streams);

                    assertEquals(expected.get("score").getAsDouble(), score.score(), TOLERANCE);
                    assertEquals(expected.get("bp").getAsDouble(), score.brevityPenalty(), TOLERANCE);
                    double[] precisions = expected.getAsJsonArray("precisions").asList().stream()
                            .mapToDouble(JsonElement::getAsDouble).toArray();
                    assertArrayEquals(precisions, score.precisions(), TOLERANCE);
                    assertEquals(expected.get("sys_len").getAsLong(), score.systemLength());
                    assertEquals(expected.get("ref_len").getAsLong(), score.referenceLength());
                    // sacreBLEU's add-k adds the smoothing value to the counts it reports; ours stay raw.
                    if (!settings.toString().contains("add-k")) {
                        assertArrayEquals(longs(expected.getAsJsonArray("counts")), score.statistics().correct());
                        assertArrayEquals(longs(expected.getAsJsonArray("totals")), score.statistics().total());
                    }
                    assertEquals(expected.get("signature").getAsString(), score.signature());
                }));
            }
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> chrfEqualsSacreBleu() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonObject testCase : cases()) {
            List<String> hypotheses = strings(testCase.getAsJsonArray("hypotheses"));
            List<List<String>> streams = streams(testCase);
            for (JsonElement element : testCase.getAsJsonArray("chrf")) {
                JsonObject expected = element.getAsJsonObject();
                JsonObject settings = expected.getAsJsonObject("settings");
                tests.add(dynamicTest(testCase.get("name").getAsString() + " " + settings, () -> {
                    ChrfScore score = chrf(settings).corpusScore(hypotheses, streams);

                    assertEquals(expected.get("score").getAsDouble(), score.score(), TOLERANCE);
                    assertEquals(expected.get("name").getAsString(), score.name());
                    assertEquals(expected.get("signature").getAsString(), score.signature());
                }));
            }
        }
        return tests;
    }
}
