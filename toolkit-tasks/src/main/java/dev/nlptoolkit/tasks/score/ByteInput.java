package dev.nlptoolkit.tasks.score;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A byte stream read one byte at a time through a buffer, that knows its offset and takes bytes back:
 * the record reader re-reads what follows a broken line after recovering from it.
 */
final class ByteInput implements Closeable {

    private static final int BUFFER_BYTES = 1 << 16;

    private final InputStream in;
    private byte[] buffer = new byte[BUFFER_BYTES];
    private int position;
    private int limit;
    private long offset;

    ByteInput(InputStream in, long offset) {
        this.in = in;
        this.offset = offset;
    }

    /** The offset in the (decompressed) stream of the next byte {@link #read} returns. */
    long offset() {
        return offset;
    }

    /** The next byte (0..255), or -1 at the end. */
    int read() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        offset++;
        return buffer[position++] & 0xFF;
    }

    /** The next byte without consuming it, or -1 at the end. */
    int peek() throws IOException {
        if (position == limit && !fill()) {
            return -1;
        }
        return buffer[position] & 0xFF;
    }

    /** Puts {@code bytes[from, to)} back, to be read next; they must be the last bytes read. */
    void unread(byte[] bytes, int from, int to) {
        int length = to - from;
        int remaining = limit - position;
        if (length <= position) {
            position -= length;
        } else {
            byte[] bigger = new byte[Math.max(buffer.length, remaining + length)];
            System.arraycopy(buffer, position, bigger, length, remaining);
            buffer = bigger;
            position = 0;
            limit = length + remaining;
        }
        System.arraycopy(bytes, from, buffer, position, length);
        offset -= length;
    }

    /** Skips forward to {@code target}, an offset at or after {@link #offset()}. */
    void skipTo(long target) throws IOException {
        long buffered = Math.min(limit - position, target - offset);
        position += (int) buffered;
        offset += buffered;
        while (offset < target) {
            long skipped = in.skip(target - offset);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("the input ends at byte " + offset + ", before " + target);
                }
                skipped = 1;
            }
            offset += skipped;
        }
    }

    private boolean fill() throws IOException {
        if (buffer.length > BUFFER_BYTES) {
            buffer = new byte[BUFFER_BYTES];
        }
        int n = in.read(buffer, 0, buffer.length);
        if (n <= 0) {
            position = 0;
            limit = 0;
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
