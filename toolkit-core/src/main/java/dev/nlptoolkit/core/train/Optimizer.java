package dev.nlptoolkit.core.train;

import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Updates named parameters in place from their gradients. Unlike DJL's optimizers, the state is
 * addressed by parameter name and can be saved and restored, so that a resumed run continues
 * bit-identically.
 */
public interface Optimizer extends AutoCloseable {

    /**
     * Applies one update to every parameter that has a gradient, with the learning rate the schedule
     * gives for {@link #stepCount()}, then counts the step. Gradients are left as they are: zero them
     * ({@link Gradients#zero}) before the next backward pass.
     */
    void step();

    /** The number of updates applied so far (also the position in the learning-rate schedule). */
    long stepCount();

    /** The learning rate the next {@link #step()} will use. */
    double learningRate();

    /** The parameters this optimizer updates, by name, in the order given. */
    Map<String, Parameter> parameters();

    /** Writes the step count and every state tensor to a safetensors file, atomically. */
    void saveState(Path file) throws IOException;

    /**
     * Replaces the step count and state with those saved by {@link #saveState}. Fails, changing
     * nothing, when the file is of another optimizer, names an unknown parameter or has a shape that
     * does not fit.
     */
    void loadState(Path file) throws CheckpointException;

    /** Frees the state tensors; the parameters are not touched. */
    @Override
    void close();
}
