package dev.nlptoolkit.core.train;

import java.util.Map;

/**
 * How a training run ended.
 *
 * @param steps optimizer steps done in total (including those before a resume)
 * @param reason why the run stopped
 * @param bestValue the best value of the selection metric, null when nothing was evaluated
 * @param bestStep the step at which {@code bestValue} was reached
 * @param lastMetrics the metrics of the last evaluation, empty when nothing was evaluated in this call
 * @param plan the step count the learning-rate schedule was laid out over, and how it was planned
 */
public record TrainingResult(long steps, TrainingResult.StopReason reason, Double bestValue, long bestStep,
        Map<String, Double> lastMetrics, SchedulePlan plan) {

    /** Why training stopped. */
    public enum StopReason {
        /** Every epoch was trained, or the schedule planned over a time budget is done. */
        COMPLETED,
        /** The step limit was reached. */
        STEP_LIMIT,
        /** The selection metric stopped improving. */
        EARLY_STOPPING,
        /** The time budget ran out. */
        TIME_BUDGET,
        /** A {@link StopRequest} (SIGTERM) stopped it at a step boundary; resume continues it. */
        INTERRUPTED;

        /** Whether a resumed run has nothing left to do: it returns the result without training. */
        public boolean isFinal() {
            return this == COMPLETED || this == EARLY_STOPPING;
        }
    }
}
