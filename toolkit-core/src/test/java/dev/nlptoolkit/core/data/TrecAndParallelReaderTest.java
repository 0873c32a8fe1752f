package dev.nlptoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

class TrecAndParallelReaderTest {

    @Test
    void readsTrecCoarseLabels() throws IOException {
        List<Example> trec = new TrecReader(TrecReader.Granularity.COARSE).read(Datasets.file("trec/train_5500.label"));
        // Counted with: cut -d: -f1 train_5500.label | sort | uniq -c (5444 lines in the bundled copy).
        assertEquals(5444, trec.size());
        assertEquals(Map.of("ABBR", 86L, "DESC", 1162L, "ENTY", 1248L, "HUM", 1219L, "LOC", 834L, "NUM", 895L),
                trec.stream().collect(Collectors.groupingBy(Example::label, TreeMap::new, Collectors.counting())));
        assertEquals(Example.of("How did serfdom develop in and then leave Russia ?", "DESC"), trec.get(0));
        assertEquals("Why are there \u0967\u0968 people on a jury in criminal cases ?", trec.get(1334).text());
    }

    @Test
    void readsTrecFineLabelsAndReplacesBadBytes(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("trec.label");
        Files.write(file, new byte[] {'N', 'U', 'M', ':', 'd', 'a', 't', 'e', ' ', 'W', 'h', 'e', 'n', ' ', (byte) 0xf0, ' ', '?', '\n'});
        assertEquals(List.of(Example.of("When \uFFFD ?", "NUM:date")), new TrecReader(TrecReader.Granularity.FINE).read(file));
        Files.writeString(file, "NUM:date When ?\nno label here\n");
        DatasetException e = assertThrows(DatasetException.class, () -> new TrecReader(TrecReader.Granularity.COARSE).read(file));
        assertEquals(2, e.line());
    }

    @Test
    void readsMulti30kValidationFromGzip() throws IOException {
        List<SentencePair> pairs = ParallelTextReader.read(Datasets.file("multi30k/val.en.gz"), Datasets.file("multi30k/val.de.gz"));
        assertEquals(1014, pairs.size());
        assertEquals("Eine Gruppe von Männern lädt Baumwolle auf einen Lastwagen", pairs.get(0).target());
        assertEquals(1, pairs.get(0).line());
        assertEquals(1014, pairs.get(1013).line());
    }

    @Test
    void unalignedFilesNameBoth(@TempDir Path tmp) throws IOException {
        Path en = tmp.resolve("a.en");
        Path de = tmp.resolve("a.de");
        Files.writeString(en, "one\ntwo\nthree\n");
        Files.writeString(de, "eins\nzwei\n");
        DatasetException e = assertThrows(DatasetException.class, () -> ParallelTextReader.read(en, de));
        assertTrue(e.getMessage().contains(en.toString()) && e.getMessage().contains(de.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(de + " has 2 lines but " + en + " has 3"), e.getMessage());
        assertEquals(3, e.line());
    }
}
