package dev.nlptoolkit.tasks.score;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads CSV, TSV or JSON-lines records from bytes, one at a time, and never fails on a bad record: the
 * record comes back with an {@link InputRecord#error()} and reading goes on.
 *
 * <ul>
 *   <li>Bytes, not a decoding {@code Reader}: each record's fields are checked for UTF-8 on their own,
 *       so one bad byte costs one record, not the stream.
 *   <li>CSV (RFC 4180): quoted fields may hold the delimiter, doubled quotes and newlines; text after a
 *       closing quote is kept as it is. TSV has no quoting. Records end at LF or CRLF; a byte order mark
 *       at the start is skipped.
 *   <li>A quoted field still open after {@value #MAX_QUOTED_BYTES} bytes or at the end of the file
 *       makes one error record of the line where it opened (its fields up to the quote, then the rest of
 *       that line), and reading resumes at the next line.
 *   <li>{@link #offset()} and {@link #line()} after a record are where the next one starts, so that a
 *       run can continue from there ({@link #seek}).
 *   <li>Gzip when the name ends in {@code .gz}.
 * </ul>
 */
public final class RecordReader implements Closeable {

    /** A quoted field this long is taken to be an unterminated quote. */
    public static final int MAX_QUOTED_BYTES = 1 << 20;

    private static final int QUOTE = '"';
    private static final int LF = '\n';
    private static final int CR = '\r';
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int BUFFER_BYTES = 1 << 16;

    private final ByteInput in;
    private final Counting file;
    private final TableFormat format;
    private final int delimiter;
    private final boolean quoting;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final Bytes field = new Bytes();
    /** The bytes of the open quoted field since its opening quote, for recovery. */
    private final Bytes quotedRaw = new Bytes();
    private long line = 1;
    private boolean malformed;

    private RecordReader(ByteInput in, Counting file, TableFormat format, char delimiter) {
        this.in = in;
        this.file = file;
        this.format = format;
        this.delimiter = delimiter;
        this.quoting = format == TableFormat.CSV;
    }

    /** Opens {@code file} at its start, past a byte order mark. */
    public static RecordReader open(Path file, TableFormat format, char delimiter) throws IOException {
        Counting counting = new Counting(Files.newInputStream(file));
        InputStream stream = new BufferedInputStream(counting, BUFFER_BYTES);
        try {
            if (TableFormat.gzip(file)) {
                stream = new GZIPInputStream(stream, BUFFER_BYTES);
            }
        } catch (IOException e) {
            stream.close();
            throw new IOException(file + ": not a gzip file, though its name ends in .gz: " + e.getMessage(), e);
        }
        RecordReader reader = new RecordReader(new ByteInput(stream, 0), counting, format, delimiter);
        reader.skipByteOrderMark();
        return reader;
    }

    private void skipByteOrderMark() throws IOException {
        byte[] start = new byte[BYTE_ORDER_MARK.length];
        int n = 0;
        while (n < start.length && in.peek() >= 0) {
            start[n++] = (byte) in.read();
        }
        if (n < start.length || !Arrays.equals(start, BYTE_ORDER_MARK)) {
            in.unread(start, 0, n);
        }
    }

    /** The byte offset (in the decompressed stream) where the next record starts. */
    public long offset() {
        return in.offset();
    }

    /** Bytes read from the file itself (compressed ones for gzip), for progress. */
    public long fileBytesRead() {
        return file.count;
    }

    /** The 1-based line where the next record starts. */
    public long line() {
        return line;
    }

    /** Continues at {@code offset}, a record start ahead that {@link #offset()} gave, which is on {@code atLine}. */
    public void seek(long offset, long atLine) throws IOException {
        in.skipTo(offset);
        this.line = atLine;
    }

    /** The next record, or null at the end of the input. */
    public InputRecord next() throws IOException {
        if (in.peek() < 0) {
            return null;
        }
        return format == TableFormat.JSONL ? nextLine() : nextDelimited();
    }

    private InputRecord nextLine() throws IOException {
        long start = line;
        malformed = false;
        field.clear();
        for (int b = in.read(); b >= 0 && b != LF; b = in.read()) {
            field.add(b);
        }
        line++;
        field.dropTrailing(CR);
        String text = decode(field.data, 0, field.size);
        return new InputRecord(start, List.of(text), malformed ? "holds bytes that are not UTF-8" : null);
    }

    private InputRecord nextDelimited() throws IOException {
        long start = line;
        List<String> fields = new ArrayList<>();
        malformed = false;
        int firstMalformed = -1;
        field.clear();
        boolean quoted = false;
        boolean fieldStart = true;
        long quoteLine = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (quoted) {
                    return unterminated(start, fields, quoteLine, false);
                }
                break;
            }
            if (quoted) {
                quotedRaw.add(b);
                if (b == QUOTE) {
                    if (in.peek() == QUOTE) {
                        quotedRaw.add(in.read());
                        field.add(QUOTE);
                    } else {
                        quoted = false;
                    }
                } else {
                    if (b == LF) {
                        line++;
                    }
                    field.add(b);
                    if (quotedRaw.size > MAX_QUOTED_BYTES) {
                        return unterminated(start, fields, quoteLine, true);
                    }
                }
                continue;
            }
            if (b == delimiter) {
                fields.add(finishField());
                firstMalformed = firstMalformed < 0 && malformed ? fields.size() : firstMalformed;
                fieldStart = true;
                continue;
            }
            if (b == LF || (b == CR && in.peek() == LF)) {
                if (b == CR) {
                    in.read();
                }
                line++;
                break;
            }
            if (b == QUOTE && quoting && fieldStart) {
                quoted = true;
                quoteLine = line;
                quotedRaw.clear();
                fieldStart = false;
                continue;
            }
            field.add(b);
            fieldStart = false;
        }
        fields.add(finishField());
        firstMalformed = firstMalformed < 0 && malformed ? fields.size() : firstMalformed;
        String error = firstMalformed < 0 ? null
                : "holds bytes that are not UTF-8 (field " + firstMalformed + "); save the file as UTF-8";
        return new InputRecord(start, fields, error);
    }

    /**
     * The error record of a quoted field that does not close: the fields before it, then the rest of the
     * line where it opened; what follows that line is read again as new records.
     */
    private InputRecord unterminated(long start, List<String> fields, long quoteLine, boolean tooLong)
            throws IOException {
        int newline = quotedRaw.indexOf(LF);
        int end = newline < 0 ? quotedRaw.size : newline;
        if (newline >= 0) {
            in.unread(quotedRaw.data, newline + 1, quotedRaw.size);
        } else if (tooLong) {
            for (int b = in.read(); b >= 0 && b != LF; b = in.read()) {
                // The opening line itself runs on: it all belongs to the broken record.
            }
        }
        if (end > 0 && quotedRaw.data[end - 1] == CR) {
            end--;
        }
        List<String> read = new ArrayList<>(fields);
        read.add(decode(quotedRaw.data, 0, end));
        line = quoteLine + 1;
        quotedRaw.clear();
        String where = quoteLine == start ? "on this line" : "on line " + quoteLine;
        return new InputRecord(start, read, "a quoted field opened " + where + " is not closed "
                + (tooLong ? "within " + (MAX_QUOTED_BYTES >> 20) + " MiB" : "before the end of the file")
                + "; reading went on at line " + (quoteLine + 1));
    }

    private String finishField() {
        String text = decode(field.data, 0, field.size);
        field.clear();
        return text;
    }

    /** Decodes strictly; bytes that are not UTF-8 read as U+FFFD and set {@link #malformed}. */
    private String decode(byte[] bytes, int from, int to) {
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = bytes[i] >= 0;
        }
        if (ascii) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
        try {
            CharBuffer chars = decoder.reset().decode(ByteBuffer.wrap(bytes, from, to - from));
            return chars.toString();
        } catch (CharacterCodingException e) {
            malformed = true;
            return new String(bytes, from, to - from, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {

        private volatile long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int from, int length) throws IOException {
            int n = super.read(bytes, from, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }

    /** A growable byte array. */
    private static final class Bytes {

        private byte[] data = new byte[256];
        private int size;

        void add(int b) {
            if (size == data.length) {
                data = Arrays.copyOf(data, data.length * 2);
            }
            data[size++] = (byte) b;
        }

        void clear() {
            size = 0;
            // A 1 MiB field must not pin its buffer for the rest of the file.
            if (data.length > BUFFER_BYTES) {
                data = new byte[256];
            }
        }

        void dropTrailing(int b) {
            if (size > 0 && data[size - 1] == (byte) b) {
                size--;
            }
        }

        int indexOf(int b) {
            for (int i = 0; i < size; i++) {
                if (data[i] == (byte) b) {
                    return i;
                }
            }
            return -1;
        }
    }
}
