package dev.nlptoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;

class TextFilesTest {

    private static final Path NAME = Path.of("lines.txt");
    /** A byte order mark, a CRLF line, an empty line, a line without its newline. */
    private static final byte[] TEXT = "\uFEFFa b\r\n\nc".getBytes(StandardCharsets.UTF_8);

    private static ByteArrayInputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readLinesDropsTheByteOrderMarkAndCarriageReturns() throws IOException {
        assertEquals(List.of("a b", "", "c"), TextFiles.readLines(in(TEXT), NAME));
        assertEquals(List.of("a b", "", "c"), TextFiles.readLines(in(gzip(TEXT)), NAME));
    }

    @Test
    void readExactLinesKeepsThemAsPythonReadsThem() throws IOException {
        // Python: open(f, encoding="utf-8", newline="\n").read().split("\n") gives these (less a last "").
        assertEquals(List.of("\uFEFFa b\r", "", "c"), TextFiles.readExactLines(in(TEXT), NAME));
        assertEquals(List.of("\uFEFFa b\r", "", "c"), TextFiles.readExactLines(in(gzip(TEXT)), NAME));
    }

    @Test
    void bothNameTheLineThatIsNotUtf8() {
        byte[] bad = {'o', 'k', '\r', '\n', 'b', 'a', 'd', (byte) 0xC3, '\n'};
        DatasetException lines = assertThrows(DatasetException.class, () -> TextFiles.readLines(in(bad), NAME));
        DatasetException exact = assertThrows(DatasetException.class, () -> TextFiles.readExactLines(in(bad), NAME));
        assertEquals(2, lines.line());
        assertEquals(2, exact.line());
        assertEquals(exact.getMessage(), lines.getMessage());
    }
}
