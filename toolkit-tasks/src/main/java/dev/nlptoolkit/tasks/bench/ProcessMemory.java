package dev.nlptoolkit.tasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, Java heap and native (libtorch) together, from Linux's /proc. */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final double KIB_PER_MIB = 1024.0;

    private ProcessMemory() {}

    /** Peak resident set size in MiB ({@code VmHWM}), or -1 where /proc is not there. */
    public static double peakRssMib() {
        return field("VmHWM:");
    }

    /** Current resident set size in MiB ({@code VmRSS}), or -1 where /proc is not there. */
    public static double rssMib() {
        return field("VmRSS:");
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    // "VmHWM:     123456 kB"
                    String kib = line.substring(name.length()).trim().split("\\s+")[0];
                    return Long.parseLong(kib) / KIB_PER_MIB;
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
