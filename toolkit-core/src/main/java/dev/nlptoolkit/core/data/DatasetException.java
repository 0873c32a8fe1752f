package dev.nlptoolkit.core.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file that cannot be read as asked; the message starts with {@code file:line:} (or
 * {@code file:} when no line is at fault). It is an {@link IOException} so that iterators can wrap
 * it in an {@link java.io.UncheckedIOException}.
 */
public final class DatasetException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    /** A problem at {@code line} (1-based) of {@code file}. */
    public DatasetException(Path file, long line, String message) {
        this(file, line, message, null);
    }

    public DatasetException(Path file, long line, String message, Throwable cause) {
        super(file + ":" + line + ": " + message, cause);
        this.file = file;
        this.line = line;
    }

    /** A problem with {@code file} as a whole. */
    public DatasetException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
        this.line = 0;
    }

    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the file as a whole is. */
    public long line() {
        return line;
    }
}
