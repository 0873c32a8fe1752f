package dev.nlptoolkit.core.checkpoint;

import dev.nlptoolkit.core.UserInputException;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Exclusive use of an output directory by one run, so that two trainings never write one model
 * directory at once. The lock is the operating system's lock on {@value #FILE} in the directory, so it
 * goes away with the process however it ends (SIGKILL included); the file records the holder's pid,
 * host and start time for the message a second run gets. The file stays after release (deleting it
 * would let a run that opened it just before lock a file no one else sees); its content is cleared.
 */
public final class DirectoryLock implements AutoCloseable {

    public static final String FILE = ".toolkit.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code dir}, creating the directory when needed.
     *
     * @throws UserInputException when another run holds it, naming that run's pid, host and start time
     */
    public static DirectoryLock acquire(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // This JVM holds it already: as busy as another process holding it.
            lock = null;
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            channel.close();
            throw new UserInputException(dir + " is in use by another run (" + (holder.isEmpty() ? "holder unknown"
                    : holder) + "); wait for it to end or stop it, or choose another output directory");
        }
        JsonObject holder = new JsonObject();
        holder.addProperty("pid", ProcessHandle.current().pid());
        holder.addProperty("host", hostName());
        holder.addProperty("started", Instant.now().toString());
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(true);
        return new DirectoryLock(channel, lock);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // A container without its own name in /etc/hosts: the pid and time still identify the run.
            return "unknown host";
        }
    }

    @Override
    public void close() throws IOException {
        try (channel) {
            channel.truncate(0);
            lock.release();
        }
    }
}
