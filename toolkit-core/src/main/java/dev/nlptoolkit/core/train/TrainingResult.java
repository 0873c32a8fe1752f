package dev.nlptoolkit.core.train;

import java.util.Map;

/**
 * How a training run ended.
 *
 * @param steps optimizer steps done in total (including those before a resume)
 * @param reason why the run stopped
 * @param bestValue the best value of the selection metric, null when nothing was evaluated
 * @param bestStep the step at which {@code bestValue} was reached
 * @param lastMetrics the metrics of the last evaluation, empty when nothing was evaluated
 */
public record TrainingResult(
        long steps, TrainingResult.StopReason reason, Double bestValue, long bestStep, Map<String, Double> lastMetrics) {

    /** Why training stopped. */
    public enum StopReason {
        /** Every epoch was trained. */
        COMPLETED,
        /** The step limit was reached. */
        STEP_LIMIT,
        /** The selection metric stopped improving. */
        EARLY_STOPPING,
        /** The time budget ran out. */
        TIME_BUDGET
    }
}
