package dev.nlptoolkit.core.train;

import java.util.function.LongFunction;

/**
 * A learning-rate schedule laid out over a step count that the {@link TrainingLoop} may revise once:
 * with a time budget it measures the first steps' rate and re-plans warm-up and decay over the steps
 * that fit ({@link SchedulePlan.Basis#TIME_BUDGET}), and a resumed run restores the stored count.
 */
public final class PlannedSchedule implements LearningRateSchedule {

    private final LongFunction<LearningRateSchedule> overSteps;
    private long steps;
    private LearningRateSchedule current;

    /**
     * @param overSteps the schedule laid out over a given total step count (warm-up a fraction of it)
     * @param steps the count to start with, e.g. steps per epoch times epochs
     */
    public PlannedSchedule(LongFunction<LearningRateSchedule> overSteps, long steps) {
        this.overSteps = overSteps;
        plan(steps);
    }

    /** The step count the schedule is now laid out over. */
    public long steps() {
        return steps;
    }

    @Override
    public double lr(long step) {
        return current.lr(step);
    }

    void plan(long totalSteps) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("a schedule needs at least 1 step, got " + totalSteps);
        }
        this.steps = totalSteps;
        this.current = overSteps.apply(totalSteps);
    }
}
