package dev.nlptoolkit.tasks.score;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes delimited records (RFC 4180 quoting: a field holding the delimiter, a quote, CR or LF is quoted
 * and its quotes doubled) or JSON lines, UTF-8, each record ended by LF.
 */
public final class RecordWriter implements Closeable {

    private static final char QUOTE = '"';
    private static final int BUFFER_CHARS = 1 << 16;

    private final Writer out;
    private final char delimiter;

    /** Writes to {@code out}, which the writer closes. */
    public RecordWriter(OutputStream out, char delimiter) {
        this.out = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), BUFFER_CHARS);
        this.delimiter = delimiter;
    }

    public void writeRecord(List<String> fields) throws IOException {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.write(delimiter);
            }
            writeField(fields.get(i));
        }
        out.write('\n');
    }

    /** One JSON line; {@code json} holds no newline (compact JSON escapes them). */
    public void writeLine(String json) throws IOException {
        out.write(json);
        out.write('\n');
    }

    private void writeField(String field) throws IOException {
        if (!needsQuotes(field)) {
            out.write(field);
            return;
        }
        out.write(QUOTE);
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == QUOTE) {
                out.write(QUOTE);
            }
            out.write(c);
        }
        out.write(QUOTE);
    }

    private boolean needsQuotes(String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == delimiter || c == QUOTE || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** Hands everything written so far to the stream below. */
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
