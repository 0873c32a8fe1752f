package dev.nlptoolkit.tasks.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** The byte-level reader: RFC 4180 records, per-record UTF-8, recovery from unterminated quotes, offsets. */
class RecordReaderTest {

    @TempDir Path tmp;

    private List<InputRecord> read(byte[] bytes, TableFormat format, String name) throws IOException {
        Path file = Files.write(tmp.resolve(name), bytes);
        List<InputRecord> records = new ArrayList<>();
        try (RecordReader reader = RecordReader.open(file, format, format == TableFormat.TSV ? '\t' : ',')) {
            for (InputRecord r = reader.next(); r != null; r = reader.next()) {
                records.add(r);
            }
        }
        return records;
    }

    private List<InputRecord> csv(String text) throws IOException {
        return read(text.getBytes(StandardCharsets.UTF_8), TableFormat.CSV, "in.csv");
    }

    @Test
    void quotedFieldsHoldCommasQuotesAndNewlinesAndLinesAreCounted() throws IOException {
        List<InputRecord> records = csv("id,text\n1,\"a, b \"\"c\"\"\nsecond\r\nthird\"\n2,plain\n");
        assertEquals(3, records.size());
        assertEquals(List.of("1", "a, b \"c\"\nsecond\r\nthird"), records.get(1).fields());
        assertEquals(2, records.get(1).line());
        assertEquals(List.of("2", "plain"), records.get(2).fields());
        assertEquals(5, records.get(2).line());
        assertNull(records.get(1).error());
    }

    @Test
    void crlfEndsRecordsAndAByteOrderMarkIsSkipped() throws IOException {
        byte[] body = "id,text\r\n1,x\r\n2,\"y\"\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[body.length + 3];
        bytes[0] = (byte) 0xEF;
        bytes[1] = (byte) 0xBB;
        bytes[2] = (byte) 0xBF;
        System.arraycopy(body, 0, bytes, 3, body.length);
        List<InputRecord> records = read(bytes, TableFormat.CSV, "bom.csv");
        assertEquals(List.of("id", "text"), records.get(0).fields());
        assertEquals(List.of("1", "x"), records.get(1).fields());
        assertEquals(List.of("2", "y"), records.get(2).fields());
        assertEquals(3, records.size());
    }

    @Test
    void bytesThatAreNotUtf8FailOnlyTheirRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("id,text\n1,caf\u00e9\n2,bad ".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {(byte) 0xFF, (byte) 0xFE});
        out.write("\n3,fine\n".getBytes(StandardCharsets.UTF_8));
        List<InputRecord> records = read(out.toByteArray(), TableFormat.CSV, "utf8.csv");
        assertEquals(4, records.size());
        assertEquals("caf\u00e9", records.get(1).fields().get(1));
        assertNull(records.get(1).error());
        assertEquals("holds bytes that are not UTF-8 (field 2); save the file as UTF-8", records.get(2).error());
        assertEquals("bad \uFFFD\uFFFD", records.get(2).fields().get(1));
        assertEquals(List.of("3", "fine"), records.get(3).fields());
        assertNull(records.get(3).error());
    }

    @Test
    void anUnterminatedQuoteAtTheEndIsOneErrorRecordOfItsLine() throws IOException {
        List<InputRecord> records = csv("id,text\n1,ok\n2,\"never closed\n3,swallowed\n");
        assertEquals(4, records.size(), "the lines after the opening line are read again");
        InputRecord broken = records.get(2);
        assertEquals(3, broken.line());
        assertEquals(List.of("2", "never closed"), broken.fields());
        assertEquals("a quoted field opened on this line is not closed before the end of the file; reading went on"
                + " at line 4", broken.error());
        assertEquals(List.of("3", "swallowed"), records.get(3).fields());
        assertEquals(4, records.get(3).line());
    }

    @Test
    void anUnterminatedQuoteInTheMiddleGivesUpAfterOneMebibyte() throws IOException {
        StringBuilder text = new StringBuilder("id,text\n1,\"opens and never closes\n");
        String filler = "x".repeat(999) + "\n";
        int fillers = RecordReader.MAX_QUOTED_BYTES / filler.length() + 2;
        for (int i = 0; i < fillers; i++) {
            text.append(i).append(',').append(filler);
        }
        text.append("last,\"properly \"\"quoted\"\"\"\n");
        List<InputRecord> records = csv(text.toString());
        assertEquals(1 + 1 + fillers + 1, records.size());
        assertTrue(records.get(1).error().contains("not closed within 1 MiB"), records.get(1).error());
        assertEquals(List.of("1", "opens and never closes"), records.get(1).fields());
        assertEquals(List.of("0", "x".repeat(999)), records.get(2).fields());
        assertEquals(3, records.get(2).line());
        assertNull(records.get(2).error());
        assertEquals(List.of("last", "properly \"quoted\""), records.get(records.size() - 1).fields());
    }

    @Test
    void aOneMegabyteTextIsOneField() throws IOException {
        String big = "word ".repeat(200_000);
        List<InputRecord> records = csv("id,text\n1,\"" + big + "\"\n2," + big + "\n");
        assertEquals(big, records.get(1).fields().get(1));
        assertEquals(big, records.get(2).fields().get(1));
        assertNull(records.get(1).error());
    }

    @Test
    void emptyLinesAreRecordsAndFieldCountsAreKept() throws IOException {
        List<InputRecord> records = csv("a,b\n\n1,2,3\n4\n");
        assertEquals(List.of(""), records.get(1).fields());
        assertEquals(List.of("1", "2", "3"), records.get(2).fields());
        assertEquals(List.of("4"), records.get(3).fields());
        assertEquals(4, records.size());
        assertEquals(0, csv("").size());
    }

    @Test
    void tsvQuotesAreLiteral() throws IOException {
        List<InputRecord> records = read("id\ttext\n1\t\"quoted\" word\n".getBytes(StandardCharsets.UTF_8),
                TableFormat.TSV, "in.tsv");
        assertEquals(List.of("1", "\"quoted\" word"), records.get(1).fields());
    }

    @Test
    void jsonLinesAreCheckedPerLine() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("{\"text\": \"a\"}\r\n".getBytes(StandardCharsets.UTF_8));
        out.write(new byte[] {'{', (byte) 0xC0, '}', '\n'});
        out.write("\n{\"text\": \"b\"}".getBytes(StandardCharsets.UTF_8));
        List<InputRecord> records = read(out.toByteArray(), TableFormat.JSONL, "in.jsonl");
        assertEquals(4, records.size());
        assertEquals(List.of("{\"text\": \"a\"}"), records.get(0).fields());
        assertEquals("holds bytes that are not UTF-8", records.get(1).error());
        assertEquals(List.of(""), records.get(2).fields());
        assertEquals(4, records.get(3).line());
    }

    @Test
    void seekingToARecordOffsetReadsTheSameRecordsAgainAlsoThroughGzip() throws IOException {
        Path plain = tmp.resolve("awkward.csv");
        AwkwardFile.write(plain, 600);
        Path gzip = tmp.resolve("awkward.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gzip))) {
            out.write(Files.readAllBytes(plain));
        }
        for (Path file : List.of(plain, gzip)) {
            List<InputRecord> all = new ArrayList<>();
            long offset = 0;
            long line = 0;
            try (RecordReader reader = RecordReader.open(file, TableFormat.CSV, ',')) {
                for (InputRecord r = reader.next(); r != null; r = reader.next()) {
                    all.add(r);
                    if (all.size() == 250) {
                        offset = reader.offset();
                        line = reader.line();
                    }
                }
            }
            assertEquals(601, all.size(), file.toString());
            try (RecordReader reader = RecordReader.open(file, TableFormat.CSV, ',')) {
                reader.next();
                reader.seek(offset, line);
                for (int i = 250; i < all.size(); i++) {
                    assertEquals(all.get(i), reader.next(), "record " + i + " of " + file);
                }
                assertNull(reader.next());
            }
        }
    }
}
