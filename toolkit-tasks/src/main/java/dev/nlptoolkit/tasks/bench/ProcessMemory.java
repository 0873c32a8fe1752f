package dev.nlptoolkit.tasks.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * This process's resident memory, Java heap and native (libtorch) together, and the malloc that serves
 * it, from Linux's /proc.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final List<String> ALLOCATORS = List.of("tcmalloc", "jemalloc", "mimalloc");
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

    /**
     * The malloc that serves libtorch: the first of tcmalloc, jemalloc or mimalloc whose library is
     * mapped into this process (the launcher preloads tcmalloc where it is installed), else
     * {@code "glibc"}; {@code "unknown"} where /proc is not there.
     */
    public static String allocator() {
        try (Stream<String> lines = Files.lines(MAPS)) {
            return allocator(lines);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The allocator named by lines in the format of /proc/PID/maps, whose last field is the mapped file. */
    static String allocator(Stream<String> mapsLines) {
        Set<String> files = mapsLines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .filter(path -> path.startsWith("/")).collect(Collectors.toSet());
        return ALLOCATORS.stream()
                .filter(name -> files.stream()
                        .anyMatch(path -> path.substring(path.lastIndexOf('/') + 1).startsWith("lib" + name)))
                .findFirst().orElse("glibc");
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
