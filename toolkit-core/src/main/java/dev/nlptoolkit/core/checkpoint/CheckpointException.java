package dev.nlptoolkit.core.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint file or directory that cannot be read or written as asked. The message always names
 * the file, and the tensor when one tensor is at fault, so that a user can find and fix it.
 */
public class CheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    public CheckpointException(Path file, String tensor, String reason) {
        this(file, tensor, reason, null);
    }

    public CheckpointException(Path file, String tensor, String reason, Throwable cause) {
        super(format(file, tensor, reason), cause);
        this.file = file;
        this.tensor = tensor;
    }

    public CheckpointException(Path file, String reason) {
        this(file, null, reason, null);
    }

    public CheckpointException(Path file, String reason, Throwable cause) {
        this(file, null, reason, cause);
    }

    private static String format(Path file, String tensor, String reason) {
        StringBuilder sb = new StringBuilder().append(file);
        if (tensor != null) {
            sb.append(": tensor '").append(tensor).append('\'');
        }
        return sb.append(": ").append(reason).toString();
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the fault is in the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
