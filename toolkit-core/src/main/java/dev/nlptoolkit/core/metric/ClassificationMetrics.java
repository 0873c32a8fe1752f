package dev.nlptoolkit.core.metric;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scores of a single-label classifier from gold and predicted label strings, matching
 * scikit-learn's {@code accuracy_score}, {@code f1_score(average="macro", zero_division=0)},
 * {@code precision_recall_fscore_support} and {@code matthews_corrcoef}.
 *
 * <p>The label set is the union of gold and predicted labels, sorted. Macro-F1 averages over all
 * of them, so a label that is only predicted counts with F1 0, as in scikit-learn. The Matthews
 * correlation is Gorodkin's multi-class R_K, which for two classes is the classic
 * (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)); it is 0 when undefined (a constant gold or
 * predicted column).
 *
 * <p>When the model's own labels are given, gold labels outside them (which the model can never
 * predict, so they always count as errors) are listed by {@link #unknownGold()}.
 */
public final class ClassificationMetrics {

    private final int n;
    private final double accuracy;
    private final double macroF1;
    private final double mcc;
    private final SortedMap<String, ClassScores> perClass;
    private final SortedMap<String, SortedMap<String, Long>> confusion;
    private final SortedMap<String, Long> unknownGold;

    private ClassificationMetrics(int n, double accuracy, double macroF1, double mcc,
            SortedMap<String, ClassScores> perClass, SortedMap<String, SortedMap<String, Long>> confusion,
            SortedMap<String, Long> unknownGold) {
        this.n = n;
        this.accuracy = accuracy;
        this.macroF1 = macroF1;
        this.mcc = mcc;
        this.perClass = Collections.unmodifiableSortedMap(perClass);
        this.confusion = Collections.unmodifiableSortedMap(confusion);
        this.unknownGold = Collections.unmodifiableSortedMap(unknownGold);
    }

    /** Scores {@code predicted} against {@code gold}, position by position. */
    public static ClassificationMetrics of(List<String> gold, List<String> predicted) {
        return compute(gold, predicted, null);
    }

    /**
     * Scores as {@link #of(List, List)} and also reports gold labels outside {@code modelLabels}.
     */
    public static ClassificationMetrics of(List<String> gold, List<String> predicted, Set<String> modelLabels) {
        return compute(gold, predicted, modelLabels);
    }

    private static ClassificationMetrics compute(List<String> gold, List<String> predicted, Set<String> modelLabels) {
        if (gold.size() != predicted.size()) {
            throw new IllegalArgumentException("got " + gold.size() + " gold labels but " + predicted.size() + " predictions");
        }
        SortedSet<String> labels = new TreeSet<>();
        for (int i = 0; i < gold.size(); i++) {
            if (gold.get(i) == null || predicted.get(i) == null) {
                throw new IllegalArgumentException("item " + i + " has no " + (gold.get(i) == null ? "gold label" : "prediction"));
            }
            labels.add(gold.get(i));
            labels.add(predicted.get(i));
        }
        SortedMap<String, SortedMap<String, Long>> confusion = new TreeMap<>();
        for (String row : labels) {
            SortedMap<String, Long> counts = new TreeMap<>();
            labels.forEach(column -> counts.put(column, 0L));
            confusion.put(row, counts);
        }
        SortedMap<String, Long> unknownGold = new TreeMap<>();
        long correct = 0;
        for (int i = 0; i < gold.size(); i++) {
            confusion.get(gold.get(i)).merge(predicted.get(i), 1L, Long::sum);
            correct += gold.get(i).equals(predicted.get(i)) ? 1 : 0;
            if (modelLabels != null && !modelLabels.contains(gold.get(i))) {
                unknownGold.merge(gold.get(i), 1L, Long::sum);
            }
        }
        int n = gold.size();
        SortedMap<String, ClassScores> perClass = new TreeMap<>();
        // Gorodkin's R_K terms: s = n samples, c = correct, t_k gold and p_k predicted counts.
        double sumPredictedTimesGold = 0;
        double sumPredictedSquared = 0;
        double sumGoldSquared = 0;
        double f1Sum = 0;
        for (String label : labels) {
            long truePositive = confusion.get(label).get(label);
            long goldCount = confusion.get(label).values().stream().mapToLong(Long::longValue).sum();
            long predictedCount = confusion.values().stream().mapToLong(row -> row.get(label)).sum();
            double precision = ratio(truePositive, predictedCount);
            double recall = ratio(truePositive, goldCount);
            double f1 = ratio(2 * truePositive, goldCount + predictedCount);
            perClass.put(label, new ClassScores(precision, recall, f1, goldCount));
            f1Sum += f1;
            sumPredictedTimesGold += (double) predictedCount * goldCount;
            sumPredictedSquared += (double) predictedCount * predictedCount;
            sumGoldSquared += (double) goldCount * goldCount;
        }
        double samplesSquared = (double) n * n;
        double denominator = Math.sqrt((samplesSquared - sumPredictedSquared) * (samplesSquared - sumGoldSquared));
        double mcc = denominator == 0 ? 0 : ((double) correct * n - sumPredictedTimesGold) / denominator;
        double macroF1 = labels.isEmpty() ? 0 : f1Sum / labels.size();
        return new ClassificationMetrics(n, ratio(correct, n), macroF1, mcc, perClass, confusion, unknownGold);
    }

    /** {@code numerator / denominator}, or 0 when the denominator is 0. */
    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }

    /** The number of items scored. */
    public int n() {
        return n;
    }

    public double accuracy() {
        return accuracy;
    }

    /** The unweighted mean of the per-class F1 over every gold or predicted label. */
    public double macroF1() {
        return macroF1;
    }

    /** The Matthews correlation coefficient (Gorodkin's R_K), in [-1, 1]. */
    public double mcc() {
        return mcc;
    }

    /** Scores by label, sorted by label. */
    public SortedMap<String, ClassScores> perClass() {
        return perClass;
    }

    /** Counts by gold label, then predicted label, every label present in both levels. */
    public SortedMap<String, SortedMap<String, Long>> confusion() {
        return confusion;
    }

    /** Gold labels the model does not know, with their counts; empty unless model labels were given. */
    public SortedMap<String, Long> unknownGold() {
        return unknownGold;
    }

    /**
     * The scores as JSON: {@code {"n", "accuracy", "macro_f1", "mcc", "per_class": {label:
     * {"precision", "recall", "f1", "support"}}, "confusion": {gold: {predicted: count}}}}, plus
     * {@code "unknown_gold": {label: count}} when there are such labels.
     */
    public String toJson() {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(toJsonTree());
    }

    /** {@link #toJson()}'s object, to embed in a larger JSON document. */
    public JsonObject toJsonTree() {
        JsonObject root = new JsonObject();
        root.addProperty("n", n);
        root.addProperty("accuracy", accuracy);
        root.addProperty("macro_f1", macroF1);
        root.addProperty("mcc", mcc);
        JsonObject classes = new JsonObject();
        for (Map.Entry<String, ClassScores> entry : perClass.entrySet()) {
            JsonObject scores = new JsonObject();
            scores.addProperty("precision", entry.getValue().precision());
            scores.addProperty("recall", entry.getValue().recall());
            scores.addProperty("f1", entry.getValue().f1());
            scores.addProperty("support", entry.getValue().support());
            classes.add(entry.getKey(), scores);
        }
        root.add("per_class", classes);
        root.add("confusion", counts(confusion));
        if (!unknownGold.isEmpty()) {
            JsonObject unknown = new JsonObject();
            unknownGold.forEach(unknown::addProperty);
            root.add("unknown_gold", unknown);
        }
        return root;
    }

    private static JsonObject counts(SortedMap<String, SortedMap<String, Long>> confusion) {
        JsonObject rows = new JsonObject();
        confusion.forEach((gold, row) -> {
            JsonObject columns = new JsonObject();
            row.forEach(columns::addProperty);
            rows.add(gold, columns);
        });
        return rows;
    }
}
