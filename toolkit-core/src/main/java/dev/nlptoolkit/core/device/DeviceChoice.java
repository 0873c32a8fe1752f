package dev.nlptoolkit.core.device;

import dev.nlptoolkit.core.UserInputException;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where to run: the user's choice, resolved against the GPUs the engine actually sees. */
public enum DeviceChoice {
    /** The first GPU when the engine sees one, else the CPU. */
    AUTO,
    CPU,
    /** The first GPU; an error when there is none. */
    CUDA;

    /** Resolves against the default engine's GPU count. */
    public Device resolve() {
        return resolve(Engine.getInstance().getGpuCount());
    }

    /** Resolves against {@code gpuCount} visible GPUs. */
    public Device resolve(int gpuCount) {
        return switch (this) {
            case AUTO -> gpuCount > 0 ? Device.gpu() : Device.cpu();
            case CPU -> Device.cpu();
            case CUDA -> {
                if (gpuCount == 0) {
                    throw new UserInputException(
                            "CUDA was asked for but the engine sees no GPU; the default build bundles the"
                                    + " CPU-only libtorch: build with -Pcuda and point PYTORCH_LIBRARY_PATH at a"
                                    + " CUDA build of libtorch, or choose "
                                    + CPU.display()
                                    + " or "
                                    + AUTO.display());
                }
                yield Device.gpu();
            }
        };
    }

    /** Parses a choice by name, ignoring case. */
    public static DeviceChoice parse(String text) {
        for (DeviceChoice c : values()) {
            if (c.name().equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        throw new UserInputException(
                "unknown device '"
                        + text
                        + "'; choose one of "
                        + Arrays.stream(values()).map(DeviceChoice::display).collect(Collectors.joining(", ")));
    }

    private String display() {
        return name().toLowerCase(Locale.ROOT);
    }
}
