package dev.nlptoolkit.core.device;

import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.checkpoint.CheckpointException;

import java.io.IOException;

/**
 * Builds an object that owns a base manager of its own (a loaded model), closing the manager when
 * building fails so that a bad model directory leaks no native memory.
 */
public final class ManagerOwner {

    /** Builds the owner from its new manager. */
    @FunctionalInterface
    public interface Builder<T> {
        T build(NDManager manager) throws IOException, CheckpointException;
    }

    private ManagerOwner() {}

    /** A new base manager on {@code device}, handed to {@code builder}; closed if it throws. */
    public static <T> T open(DeviceChoice device, Builder<T> builder) throws IOException, CheckpointException {
        NDManager manager = NDManager.newBaseManager(device.resolve());
        try {
            return builder.build(manager);
        } catch (IOException | CheckpointException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
