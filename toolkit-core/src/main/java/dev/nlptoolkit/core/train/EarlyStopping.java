package dev.nlptoolkit.core.train;

/**
 * Which evaluation metric selects the best checkpoint, and when to give up: after {@code patience}
 * evaluations in a row that do not beat the best by more than {@code minDelta}.
 *
 * @param metric the metric name, as the {@link Evaluator} returns it
 * @param mode whether larger or smaller is better
 * @param patience evaluations without improvement before stopping; {@link Integer#MAX_VALUE} never stops
 * @param minDelta how much a value must beat the best by to count as an improvement
 */
public record EarlyStopping(String metric, Mode mode, int patience, double minDelta) {

    /** Whether larger or smaller values of the metric are better. */
    public enum Mode {
        MAX,
        MIN
    }

    public EarlyStopping {
        if (metric == null || metric.isEmpty() || mode == null) {
            throw new IllegalArgumentException("name the metric and the mode, e.g. (\"accuracy\", Mode.MAX, 3, 0)");
        }
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1 evaluation, got " + patience);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        }
    }

    /** Keeps the best checkpoint by {@code metric} but never stops early. */
    public static EarlyStopping keepBest(String metric, Mode mode) {
        return new EarlyStopping(metric, mode, Integer.MAX_VALUE, 0);
    }

    /** Whether {@code value} beats {@code best} (null: nothing yet, so any value does). */
    public boolean improves(double value, Double best) {
        if (best == null) {
            return true;
        }
        return mode == Mode.MAX ? value > best + minDelta : value < best - minDelta;
    }
}
