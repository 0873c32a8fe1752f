package dev.nlptoolkit.core.train;

/**
 * Which evaluation metric selects the best checkpoint, and when to give up: at the first evaluation
 * that finds {@code patienceSteps} or more optimizer updates since the best one, which no evaluation
 * since has beaten by more than {@code minDelta}.
 *
 * <p>Patience counts updates, not evaluations, so that how often a run evaluates (every 100 steps,
 * at epoch ends of a small data set) does not change how long it waits.
 *
 * @param metric the metric name, as the {@link Evaluator} returns it
 * @param mode whether larger or smaller is better
 * @param patienceSteps updates without improvement before stopping; {@link Long#MAX_VALUE} never stops
 * @param minDelta how much a value must beat the best by to count as an improvement
 */
public record EarlyStopping(String metric, Mode mode, long patienceSteps, double minDelta) {

    /** Whether larger or smaller values of the metric are better. */
    public enum Mode {
        MAX,
        MIN
    }

    public EarlyStopping {
        if (metric == null || metric.isEmpty() || mode == null) {
            throw new IllegalArgumentException("name the metric and the mode, e.g. (\"accuracy\", Mode.MAX, 2000, 0)");
        }
        if (patienceSteps < 1) {
            throw new IllegalArgumentException("patience must be at least 1 update, got " + patienceSteps);
        }
        if (!(minDelta >= 0)) {
            throw new IllegalArgumentException("minDelta must be >= 0, got " + minDelta);
        }
    }

    /** Keeps the best checkpoint by {@code metric} but never stops early. */
    public static EarlyStopping keepBest(String metric, Mode mode) {
        return new EarlyStopping(metric, mode, Long.MAX_VALUE, 0);
    }

    /** Whether {@code value} beats {@code best} (null: nothing yet, so any value does). */
    public boolean improves(double value, Double best) {
        if (best == null) {
            return true;
        }
        return mode == Mode.MAX ? value > best + minDelta : value < best - minDelta;
    }

    /** Whether to stop at an evaluation at {@code step} that did not improve on the best, from {@code bestStep}. */
    public boolean exhausted(long step, long bestStep) {
        return step - bestStep >= patienceSteps;
    }
}
