package dev.nlptoolkit.core.metric;

/**
 * Precision, recall and F1 of one class, 0 where a ratio has a zero denominator (scikit-learn's
 * {@code zero_division=0}).
 *
 * @param precision correct predictions of the class over all predictions of it
 * @param recall correct predictions of the class over its gold occurrences
 * @param f1 the harmonic mean of precision and recall
 * @param support the gold occurrences of the class
 */
public record ClassScores(double precision, double recall, double f1, long support) {}
