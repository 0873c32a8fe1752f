package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The forward pass of one micro-batch: the model's loss, which the loop scales and back-propagates.
 *
 * @param <B> the batch description
 */
@FunctionalInterface
public interface TrainStep<B> {

    /**
     * The mean loss over {@code batch}, a scalar. Runs inside a gradient collector; create every array
     * in {@code manager}, which is closed after the backward pass (call the model with
     * {@code training = true}).
     */
    NDArray loss(B batch, NDManager manager);
}
