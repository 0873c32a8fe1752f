package dev.nlptoolkit.tasks.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real full disk for tests: a shell in a new user and mount namespace ({@code unshare -r -m}) with a
 * tmpfs of a few pages mounted over a directory. The mount is seen only inside that shell, so the script
 * does its checks there or copies what the test needs out to a normal directory before it ends.
 */
final class TinyDisk {

    /** tmpfs allocates whole pages. */
    static final long PAGE = 4096;
    private static final long TIMEOUT_SECONDS = 180;

    private TinyDisk() {}

    /** Skips the calling test where this machine does not let an unprivileged user mount a tmpfs. */
    static void assumeAvailable(Path scratch) throws IOException, InterruptedException {
        Path probe = Files.createDirectories(scratch.resolve("tmpfs-probe"));
        int status;
        try {
            status = shell(probe, PAGE * 16, "true", scratch.resolve("tmpfs-probe.log"));
        } catch (IOException e) {
            status = -1;
        }
        Assumptions.assumeTrue(status == 0, "unshare -r -m with a tmpfs mount is not permitted here (status "
                + status + "): a full disk cannot be made without root");
    }

    /**
     * Runs {@code script} with sh inside a new namespace where {@code disk} (an existing empty directory)
     * is a tmpfs of {@code bytes}; stdout and stderr go to {@code log}. Returns the shell's exit status.
     */
    static int shell(Path disk, long bytes, String script, Path log) throws IOException, InterruptedException {
        String mount = "mount -t tmpfs -o size=" + bytes + " tmpfs " + quote(disk) + " && ";
        Process process = new ProcessBuilder("unshare", "-r", "-m", "sh", "-c", mount + script)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the shell on the tiny disk did not finish in " + TIMEOUT_SECONDS + " s: "
                    + Files.readString(log));
        }
        return process.exitValue();
    }

    /** The bytes {@code dir}'s files take on a tmpfs: each file rounded up to whole pages. */
    static long footprint(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += pages(Files.size(file)) * PAGE;
            }
            return total;
        }
    }

    static long pages(long bytes) {
        return (bytes + PAGE - 1) / PAGE;
    }

    /** The command line that runs the toolkit CLI in a JVM with this test's class path, quoted for sh. */
    static String toolkit(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), ToolkitCli.class.getName()));
        command.addAll(List.of(args));
        return "DJL_OFFLINE=true " + String.join(" ", command.stream().map(TinyDisk::quote).toList());
    }

    static String quote(Object word) {
        return "'" + word.toString().replace("'", "'\\''") + "'";
    }
}
