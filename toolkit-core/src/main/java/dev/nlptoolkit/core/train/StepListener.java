package dev.nlptoolkit.core.train;

/**
 * Told after every optimizer step of a {@link TrainingLoop}, on the training thread: for live curves
 * in a notebook and for benchmarks that time whole steps as training runs them.
 */
@FunctionalInterface
public interface StepListener {

    /**
     * @param step the number of optimizer steps taken so far, this one included
     * @param loss the mean unscaled loss of the step's micro-batches
     * @param nanos wall time of the step: forward, backward, clipping and the update
     */
    void afterStep(long step, double loss, long nanos);
}
