package dev.nlptoolkit.tasks.bench;

import java.lang.management.ManagementFactory;

/**
 * CPU time this process has used, all threads together (JVM and libtorch). On a machine shared with
 * other work, a step's CPU time moves far less than its wall time; with {@code --threads 1} libtorch
 * computes on the calling thread, so it is the work the step does.
 */
final class ProcessCpu {

    private ProcessCpu() {}

    /** Process CPU time in nanoseconds, or -1 where the JVM does not report it. */
    static long nanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }
}
