package dev.nlptoolkit.tasks.score;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A deterministic CSV ({@code id,text}) with every awkward record the scorer must survive: a byte order
 * mark, quoted fields with commas, doubled quotes and newlines, CRLF endings, empty and blank texts,
 * bytes that are not UTF-8, too many and too few fields, a 1.1 MB text, an unterminated quote in the
 * middle (followed by more than 1 MiB without a quote, so the reader gives up on it) and one on the last
 * record. Record {@code i} has id {@code i}; every record is one output record.
 */
final class AwkwardFile {

    /** The kinds of record repeat with this period; see {@link #isError}. */
    static final int CYCLE = 16;
    private static final String[] WORDS = {"the", "film", "was", "witty", "dull", "plot", "acting", "great", "bad",
        "not", "very", "café", "ending", "moving"};
    private static final int BIG_TEXT_BYTES = 1_100_000;

    /** The record with the unterminated quote in the middle; the next one holds the big text. */
    final int middleQuote;
    final int rows;

    private AwkwardFile(int rows) {
        this.rows = rows;
        this.middleQuote = rows / 2;
    }

    /** Writes {@code rows} records to {@code file}. */
    static AwkwardFile write(Path file, int rows) throws IOException {
        AwkwardFile awkward = new AwkwardFile(rows);
        Random random = new Random(rows);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.write("id,text\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < rows; i++) {
            out.write(awkward.record(i, random));
        }
        Files.write(file, out.toByteArray());
        return awkward;
    }

    /** Whether record {@code i} gets an error. */
    boolean isError(int i) {
        if (i == middleQuote || i == rows - 1) {
            return true;
        }
        if (i == middleQuote + 1) {
            return false;
        }
        int kind = i % CYCLE;
        return kind == 3 || kind == 4 || kind == 5 || kind == 6 || kind == 8;
    }

    private byte[] record(int i, Random random) {
        String words = words(random);
        if (i == rows - 1) {
            return (i + ",\"the last record opens a quote, never closed\n").getBytes(StandardCharsets.UTF_8);
        }
        if (i == middleQuote) {
            return (i + ",\"opens a quote in the middle of the file\n").getBytes(StandardCharsets.UTF_8);
        }
        if (i == middleQuote + 1) {
            StringBuilder big = new StringBuilder(BIG_TEXT_BYTES + 16).append(i).append(',');
            while (big.length() < BIG_TEXT_BYTES) {
                big.append(words(random)).append(' ');
            }
            return big.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        }
        // Within 1 MiB after the middle quote no quote may appear, or it would close that quote.
        boolean quoteFree = i > middleQuote && i < middleQuote + 100;
        switch (i % CYCLE) {
            case 1:
                String quoted = i + ",\"" + words + ", \"\"quoted\"\"\nand a second line\"\n";
                return (quoteFree ? i + "," + words + "\n" : quoted).getBytes(StandardCharsets.UTF_8);
            case 2:
                return (i + "," + words + "\r\n").getBytes(StandardCharsets.UTF_8);
            case 3:
                return (i + ",\n").getBytes(StandardCharsets.UTF_8);
            case 4:
                byte[] start = (i + "," + words + " ").getBytes(StandardCharsets.UTF_8);
                byte[] bytes = new byte[start.length + 3];
                System.arraycopy(start, 0, bytes, 0, start.length);
                bytes[start.length] = (byte) 0xC3;
                bytes[start.length + 1] = (byte) 0x28;
                bytes[start.length + 2] = '\n';
                return bytes;
            case 5:
                return (i + "," + words + ",extra\n").getBytes(StandardCharsets.UTF_8);
            case 6:
                return (i + "\n").getBytes(StandardCharsets.UTF_8);
            case 8:
                return (i + ",   \n").getBytes(StandardCharsets.UTF_8);
            default:
                return (i + "," + words + "\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String words(Random random) {
        StringBuilder text = new StringBuilder();
        int n = 2 + random.nextInt(10);
        for (int w = 0; w < n; w++) {
            text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }
}
