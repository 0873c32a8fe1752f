package dev.nlptoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

class TabularReaderTest {

    private static final TabularReader SST2_TRAIN = TabularReader.builder()
            .setTextColumn(Column.named("sentence")).optLabelColumn(Column.named("label")).build();

    @Test
    void readsSst2DevWithLiteralQuotes() throws IOException {
        // The bundled dev.tsv names its text column "content", train.tsv "sentence".
        List<Example> dev = TabularReader.builder()
                .setTextColumn(Column.named("content")).optLabelColumn(Column.named("label")).build()
                .read(Datasets.file("sst2/dev.tsv"));
        assertEquals(872, dev.size());
        assertEquals(Example.of("one long string of cliches .", "0"), dev.get(0));
        assertEquals(444, dev.stream().filter(e -> e.label().equals("1")).count());
    }

    @Test
    void missingColumnListsTheColumnsFound() {
        DatasetException e = assertThrows(DatasetException.class, () -> SST2_TRAIN.read(Datasets.file("sst2/dev.tsv")));
        assertTrue(e.getMessage().startsWith(Datasets.file("sst2/dev.tsv") + ":1: no column 'sentence'"), e.getMessage());
        assertTrue(e.getMessage().contains("[label, content]"), e.getMessage());
    }

    @Test
    void streamsSst2TrainWithCrlfLineEndingsAndLineNumbers() throws IOException {
        try (TabularReader.TabularCursor cursor = SST2_TRAIN.open(Datasets.file("sst2/train.tsv"));
                Stream<TabularRow> rows = cursor.stream()) {
            assertEquals(List.of("label", "sentence"), cursor.headerNames());
            long[] count = new long[2];
            TabularRow last = rows.peek(row -> count[Integer.parseInt(row.example().label())]++)
                    .reduce((first, second) -> second).orElseThrow();
            assertEquals(67349, count[0] + count[1]);
            assertEquals(37569, count[1]);
            assertEquals(67350, last.line());
            assertTrue(!last.example().text().endsWith("\r"));
        }
    }

    @Test
    void readsHeaderlessSmsSpamByPosition() throws IOException {
        List<Example> sms = TabularReader.builder()
                .setTextColumn(Column.at(1)).optLabelColumn(Column.at(0)).optHeader(false).build()
                .read(Datasets.file("sms-spam/SMSSpamCollection.tsv"));
        assertEquals(5574, sms.size());
        assertEquals(747, sms.stream().filter(e -> e.label().equals("spam")).count());
        assertEquals("Ok lar... Joking wif u oni...", sms.get(1).text());
        assertTrue(sms.stream().anyMatch(e -> e.text().contains("\"")), "quotes are literal in TSV");
    }

    @Test
    void readsQuotedMultiLineCsvWithPairsAndLineNumbers(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("pairs.csv");
        Files.writeString(file, "\uFEFFid,question,passage,label\r\n"
                + "1,\"Is it, really?\",\"Yes, \"\"quoted\"\"\nand two lines\",yes\r\n"
                + "\r\n"
                + "2,plain,text, no \r\n", StandardCharsets.UTF_8);
        TabularReader reader = TabularReader.builder().setTextColumn(Column.named("question"))
                .optPairColumn(Column.named("passage")).optLabelColumn(Column.named("label")).build();
        try (TabularReader.TabularCursor cursor = reader.open(file)) {
            TabularRow first = cursor.next();
            assertEquals(2, first.line());
            assertEquals(new Example("Is it, really?", "Yes, \"quoted\"\nand two lines", "yes"), first.example());
            TabularRow second = cursor.next();
            assertEquals(5, second.line());
            assertEquals(new Example("plain", "text", "no"), second.example());
            assertEquals(List.of("2", "plain", "text", " no "), second.fields());
            assertTrue(!cursor.hasNext());
        }
    }

    @Test
    void shortRecordNamesFileLineAndColumn(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("short.tsv");
        Files.writeString(file, "label\tsentence\n1\tfine\n0\n");
        DatasetException e = assertThrows(DatasetException.class, () -> SST2_TRAIN.read(file));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("column 'sentence' is missing"), e.getMessage());
        try (TabularReader.TabularCursor cursor = SST2_TRAIN.open(file)) {
            cursor.next();
            UncheckedIOException wrapped = assertThrows(UncheckedIOException.class, cursor::next);
            assertTrue(wrapped.getCause() instanceof DatasetException);
        }
    }

    @Test
    void readsGzipAndRejectsBadUtf8(@TempDir Path tmp) throws IOException {
        Path gz = tmp.resolve("data.tsv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("label\tsentence\n1\tcafé\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of(Example.of("café", "1")), SST2_TRAIN.read(gz));
        Path bad = tmp.resolve("bad.tsv");
        Files.write(bad, new byte[] {'l', 'a', 'b', 'e', 'l', '\t', 's', 'e', 'n', 't', 'e', 'n', 'c', 'e', '\n',
            '1', '\t', 'o', 'k', '\n', '1', '\t', (byte) 0xff, '\n'});
        DatasetException e = assertThrows(DatasetException.class, () -> SST2_TRAIN.read(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not UTF-8"), e.getMessage());
    }

    @Test
    void unlabelledFilesGiveNullLabels(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("to-score.csv");
        Files.writeString(file, "text\n\"a, b\"\nc\n");
        List<Example> examples = TabularReader.builder().setTextColumn(Column.named("text")).build().read(file);
        assertEquals(List.of("a, b", "c"), examples.stream().map(Example::text).collect(Collectors.toList()));
        assertNull(examples.get(0).label());
    }
}
