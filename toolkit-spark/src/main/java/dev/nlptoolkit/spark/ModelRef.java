package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.device.DeviceChoice;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * Which model an executor scores with: the directory as the driver was given it (a relative path
 * resolves against each executor's working directory, where {@code --archives} unpacks), the SHA-256 of
 * its files as the driver saw them, and the device.
 */
record ModelRef(String directory, String fingerprint, DeviceChoice device) implements Serializable {

    Path path() {
        return Path.of(directory);
    }
}
