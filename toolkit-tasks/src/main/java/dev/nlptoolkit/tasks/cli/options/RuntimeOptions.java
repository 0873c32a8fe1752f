package dev.nlptoolkit.tasks.cli.options;

import ai.djl.Device;

import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.EngineSettings;

import picocli.CommandLine.Option;

/** {@code --device} and {@code --threads}: where and on how many threads a command runs its model. */
public final class RuntimeOptions {

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "AUTO",
            description = "${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    private DeviceChoice device;

    @Option(names = "--threads", paramLabel = "N",
            description = "PyTorch intra-op threads; 1 suits small recurrent models on a busy machine."
                    + " Default: one per core.")
    private Integer threads;

    public DeviceChoice device() {
        return device;
    }

    /** The intra-op thread count asked for, or null for PyTorch's default. */
    public Integer threads() {
        return threads;
    }

    /** Sets PyTorch's intra-op thread count when {@code --threads} was given; the inter-op pool is left as it is. */
    public void applyThreads() {
        if (threads != null) {
            EngineSettings.threads(threads, EngineSettings.current().interOp());
        }
    }

    /** {@link #applyThreads()}, then the device resolved against the GPUs the engine sees. */
    public Device apply() {
        applyThreads();
        return device.resolve();
    }
}
