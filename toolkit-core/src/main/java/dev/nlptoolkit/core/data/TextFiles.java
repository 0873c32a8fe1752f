package dev.nlptoolkit.core.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** Opens UTF-8 text files, gzip-compressed or not, without a byte order mark. */
final class TextFiles {

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
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES);
        try {
            in.mark(2);
            boolean gzip = in.read() == GZIP_MAGIC_1 && in.read() == GZIP_MAGIC_2;
            in.reset();
            if (gzip) {
                in = new BufferedInputStream(new GZIPInputStream(in, BUFFER_BYTES), BUFFER_BYTES);
            }
            // The byte order mark is skipped as bytes, so that nothing is decoded yet: a decoding
            // error then surfaces where the reader reaches it, not here.
            in.mark(BYTE_ORDER_MARK.length);
            byte[] start = in.readNBytes(BYTE_ORDER_MARK.length);
            if (!Arrays.equals(start, BYTE_ORDER_MARK)) {
                in.reset();
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(malformed).onUnmappableCharacter(malformed)), BUFFER_BYTES);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }
}
