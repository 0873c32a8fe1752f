package dev.nlptoolkit.core.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Opens UTF-8 text files, gzip-compressed or not, without a byte order mark. */
public final class TextFiles {

    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final int BUFFER_BYTES = 1 << 16;

    private TextFiles() {}

    /**
     * Opens {@code file} for reading; gzip is recognised by its magic bytes, whatever the name.
     *
     * @param malformed what to do with bytes that are not UTF-8: {@code REPORT} fails the read,
     *     {@code REPLACE} reads them as U+FFFD
     */
    static BufferedReader open(Path file, CodingErrorAction malformed) throws IOException {
        return open(Files.newInputStream(file), malformed);
    }

    /**
     * Every line of {@code file} (gzip or not), empty ones included.
     *
     * @throws DatasetException naming the file and line when a line is not UTF-8
     */
    public static List<String> readLines(Path file) throws IOException {
        return readLines(Files.newInputStream(file), file);
    }

    /**
     * Every line of {@code in}, which is closed at the end; {@code name} stands for the stream in
     * errors (e.g. {@code <stdin>}).
     *
     * @throws DatasetException naming the stream and line when a line is not UTF-8
     */
    public static List<String> readLines(InputStream in, Path name) throws IOException {
        return readAll(new LineReader(openBytes(in, true), name, false));
    }

    /**
     * Every line of {@code in} as Python's {@code open(file, encoding="utf-8", newline="\n")} reads it,
     * which is how sacreBLEU reads its files: split at {@code \n} only, a {@code \r} before it and a
     * byte order mark kept (gzip is still recognised). {@code in} is closed at the end; {@code name}
     * stands for it in errors.
     *
     * @throws DatasetException naming the stream and line when a line is not UTF-8
     */
    public static List<String> readExactLines(InputStream in, Path name) throws IOException {
        return readAll(new LineReader(openBytes(in, false), name, true));
    }

    private static List<String> readAll(LineReader lineReader) throws IOException {
        List<String> lines = new ArrayList<>();
        try (LineReader reader = lineReader) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** {@code file}'s lines one at a time, each decoded on its own so that an error names its line. */
    static LineReader openLines(Path file) throws IOException {
        return new LineReader(openBytes(Files.newInputStream(file), true), file, false);
    }

    /** The reason given for a line that is not UTF-8. */
    static String notUtf8(CharacterCodingException e) {
        return "is not valid UTF-8 (" + e + "); convert the file to UTF-8";
    }

    private static BufferedReader open(InputStream raw, CodingErrorAction malformed) throws IOException {
        InputStream in = openBytes(raw, true);
        try {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(malformed).onUnmappableCharacter(malformed)), BUFFER_BYTES);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * The bytes of {@code raw}, gunzipped when they start with gzip's magic.
     *
     * @param skipByteOrderMark whether a leading UTF-8 byte order mark is dropped
     */
    private static InputStream openBytes(InputStream raw, boolean skipByteOrderMark) throws IOException {
        InputStream in = new BufferedInputStream(raw, BUFFER_BYTES);
        try {
            in.mark(2);
            boolean gzip = in.read() == GZIP_MAGIC_1 && in.read() == GZIP_MAGIC_2;
            in.reset();
            if (gzip) {
                in = new BufferedInputStream(new GZIPInputStream(in, BUFFER_BYTES), BUFFER_BYTES);
            }
            if (skipByteOrderMark) {
                // The byte order mark is skipped as bytes, so that nothing is decoded yet: a decoding
                // error then surfaces where the reader reaches it, not here.
                in.mark(BYTE_ORDER_MARK.length);
                byte[] start = in.readNBytes(BYTE_ORDER_MARK.length);
                if (!Arrays.equals(start, BYTE_ORDER_MARK)) {
                    in.reset();
                }
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
