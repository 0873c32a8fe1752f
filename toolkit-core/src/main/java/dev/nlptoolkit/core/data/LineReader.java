package dev.nlptoolkit.core.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads UTF-8 lines from bytes, decoding each line on its own: a bad byte fails the line it is on,
 * named exactly, where a {@link java.io.BufferedReader} decoding ahead in blocks reports an earlier
 * one. Lines end at {@code \n} or {@code \r\n}, or at {@code \n} alone when the {@code \r} is kept;
 * the terminator is not part of the line.
 */
final class LineReader implements AutoCloseable {

    private static final int NEWLINE = '\n';
    private static final int CARRIAGE_RETURN = '\r';
    private static final int INITIAL_LINE_BYTES = 256;

    private final InputStream in;
    private final Path name;
    private final boolean keepCarriageReturn;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(INITIAL_LINE_BYTES);
    private long number;

    /**
     * Reads buffered {@code in}; {@code name} stands for it in errors.
     *
     * @param keepCarriageReturn whether a {@code \r} before the {@code \n} stays part of the line
     */
    LineReader(InputStream in, Path name, boolean keepCarriageReturn) {
        this.in = in;
        this.name = name;
        this.keepCarriageReturn = keepCarriageReturn;
    }

    /**
     * The next line, or null at the end.
     *
     * @throws DatasetException naming the file and line when the line is not UTF-8 or cannot be read
     */
    String readLine() throws DatasetException {
        line.reset();
        try {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != NEWLINE) {
                line.write(b);
                b = in.read();
            }
        } catch (IOException e) {
            throw new DatasetException(name, number + 1, "cannot read: " + e, e);
        }
        number++;
        byte[] bytes = line.toByteArray();
        int length = !keepCarriageReturn && bytes.length > 0 && bytes[bytes.length - 1] == CARRIAGE_RETURN
                ? bytes.length - 1 : bytes.length;
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new DatasetException(name, number, TextFiles.notUtf8(e), e);
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
