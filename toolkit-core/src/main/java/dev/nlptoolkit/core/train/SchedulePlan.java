package dev.nlptoolkit.core.train;

/**
 * Over how many optimizer steps the learning-rate schedule (warm-up and decay) is laid out, and why.
 *
 * @param steps the planned step count: the last step of the decay
 * @param basis where the count came from
 * @param stepsPerSecond the rate measured to fit the plan into a time budget; 0 when none was measured
 */
public record SchedulePlan(long steps, Basis basis, double stepsPerSecond) {

    /** Where a plan's step count came from. */
    public enum Basis {
        /** The epochs (or a step limit): no time budget, or the epochs end within it. */
        EPOCHS,
        /** A time budget is set and the rate is being measured; the epochs' count holds until then. */
        MEASURING,
        /** The steps that fit in the time budget at the measured rate, fewer than the epochs need. */
        TIME_BUDGET
    }

    public SchedulePlan {
        if (steps < 1 || basis == null || !(stepsPerSecond >= 0)) {
            throw new IllegalArgumentException("a schedule plan needs steps >= 1, a basis and a rate >= 0, got "
                    + steps + ", " + basis + ", " + stepsPerSecond);
        }
    }
}
