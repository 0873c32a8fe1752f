package dev.nlptoolkit.core.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reference values from scikit-learn 1.9.1: {@code accuracy_score}, {@code f1_score(average="macro",
 * zero_division=0)}, {@code matthews_corrcoef}, {@code precision_recall_fscore_support(labels=
 * sorted(set(gold) | set(pred)), zero_division=0)} and {@code confusion_matrix} on the lists below.
 */
class ClassificationMetricsTest {

    private static final double EPS = 1e-12;

    private static final List<String> GOLD = List.of(
            "cat", "cat", "cat", "dog", "dog", "dog", "dog", "bird", "bird", "cat", "dog", "bird");
    private static final List<String> PREDICTED = List.of(
            "cat", "dog", "cat", "dog", "dog", "cat", "dog", "bird", "cat", "cat", "fish", "dog");

    @Test
    void multiClassMatchesScikitLearn() {
        ClassificationMetrics metrics = ClassificationMetrics.of(GOLD, PREDICTED);
        assertEquals(12, metrics.n());
        assertEquals(0.5833333333333334, metrics.accuracy(), EPS);
        assertEquals(0.44166666666666665, metrics.macroF1(), EPS);
        assertEquals(0.38711915425740623, metrics.mcc(), EPS);
        assertEquals(List.of("bird", "cat", "dog", "fish"), List.copyOf(metrics.perClass().keySet()));
        assertScores(new ClassScores(1.0, 0.3333333333333333, 0.5, 3), metrics.perClass().get("bird"));
        assertScores(new ClassScores(0.6, 0.75, 0.6666666666666666, 4), metrics.perClass().get("cat"));
        assertScores(new ClassScores(0.6, 0.6, 0.6, 5), metrics.perClass().get("dog"));
        assertScores(new ClassScores(0, 0, 0, 0), metrics.perClass().get("fish"));
        // confusion_matrix rows: [[1 1 1 0] [0 3 1 0] [0 1 3 1] [0 0 0 0]]
        assertEquals(Map.of("bird", 1L, "cat", 1L, "dog", 1L, "fish", 0L), metrics.confusion().get("bird"));
        assertEquals(Map.of("bird", 0L, "cat", 1L, "dog", 3L, "fish", 1L), metrics.confusion().get("dog"));
        assertEquals(Map.of("bird", 0L, "cat", 0L, "dog", 0L, "fish", 0L), metrics.confusion().get("fish"));
    }

    private static void assertScores(ClassScores expected, ClassScores actual) {
        assertEquals(expected.precision(), actual.precision(), EPS);
        assertEquals(expected.recall(), actual.recall(), EPS);
        assertEquals(expected.f1(), actual.f1(), EPS);
        assertEquals(expected.support(), actual.support());
    }

    @Test
    void binaryMccIsTheClassicFormula() {
        // TP 4, TN 4, FP 1, FN 1: (16 - 1) / sqrt(5 * 5 * 5 * 5) = 0.6; sklearn gives 0.6 too.
        List<String> gold = List.of("1", "1", "1", "1", "0", "0", "0", "0", "0", "1");
        List<String> predicted = List.of("1", "0", "1", "1", "0", "1", "0", "0", "0", "1");
        ClassificationMetrics metrics = ClassificationMetrics.of(gold, predicted);
        assertEquals(0.6, metrics.mcc(), EPS);
        assertEquals(0.8, metrics.accuracy(), EPS);
        assertEquals(0.8, metrics.macroF1(), EPS);
    }

    @Test
    void undefinedRatiosAreZero() {
        // sklearn: matthews_corrcoef([0,1,0,1],[1,1,1,1]) = 0.0; macro F1 (zero_division=0) = 1/3.
        ClassificationMetrics constant = ClassificationMetrics.of(List.of("0", "1", "0", "1"), List.of("1", "1", "1", "1"));
        assertEquals(0.0, constant.mcc());
        assertEquals(0.3333333333333333, constant.macroF1(), EPS);
        assertEquals(0.0, constant.perClass().get("0").precision());
        ClassificationMetrics empty = ClassificationMetrics.of(List.of(), List.of());
        assertEquals(0.0, empty.accuracy());
        assertEquals(0.0, empty.mcc());
        assertEquals(1.0, ClassificationMetrics.of(List.of("a", "b"), List.of("a", "b")).mcc(), EPS);
    }

    @Test
    void unknownGoldLabelsAreErrorsAndReported() {
        ClassificationMetrics metrics = ClassificationMetrics.of(
                List.of("pos", "neg", "neutral", "neutral"), List.of("pos", "neg", "neg", "pos"), Set.of("pos", "neg"));
        assertEquals(0.5, metrics.accuracy(), EPS);
        assertEquals(Map.of("neutral", 2L), metrics.unknownGold());
        assertEquals(2, metrics.perClass().get("neutral").support());
        assertTrue(metrics.toJson().contains("\"unknown_gold\""));
    }

    @Test
    void jsonHasTheDocumentedShape() {
        JsonObject json = JsonParser.parseString(ClassificationMetrics.of(GOLD, PREDICTED).toJson()).getAsJsonObject();
        assertEquals(List.of("n", "accuracy", "macro_f1", "mcc", "per_class", "confusion"), List.copyOf(json.keySet()));
        assertEquals(12, json.get("n").getAsInt());
        assertEquals(0.44166666666666665, json.get("macro_f1").getAsDouble(), EPS);
        JsonObject cat = json.getAsJsonObject("per_class").getAsJsonObject("cat");
        assertEquals(List.of("precision", "recall", "f1", "support"), List.copyOf(cat.keySet()));
        assertEquals(4, cat.get("support").getAsLong());
        assertEquals(3, json.getAsJsonObject("confusion").getAsJsonObject("cat").get("cat").getAsLong());
    }

    @Test
    void mismatchedLengthsFail() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(List.of("a"), List.of()));
    }
}
