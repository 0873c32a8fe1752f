package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.Example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

class DatasetTest {

    @TempDir Path tmp;

    @Test
    void sst2DevFindsItsContentColumnWhenAskedForSentence() throws Exception {
        Dataset dev = Dataset.read(Fixtures.sst2("dev.tsv"), DatasetColumns.DEFAULT.withText("sentence"));
        assertEquals(872, dev.size());
        assertEquals(Example.of("one long string of cliches .", "0"), dev.examples().get(0));
        Dataset train = Dataset.read(Fixtures.sst2("train.tsv"));
        assertEquals("hide new secretions from the parental units", train.examples().get(0).text());
    }

    @Test
    void csvWithPairsAndRenamedLabels() throws Exception {
        Path file = Files.writeString(tmp.resolve("pairs.csv"),
                "question,answer,gold\n\"Is it, really?\",yes,1\nwhy,\"because \"\"so\"\"\",0\n");
        Dataset data = Dataset.read(file, new DatasetColumns("question", "answer", "gold"))
                .mapLabels(l -> l.equals("1") ? "match" : "other");
        assertEquals(
                List.of(new Example("Is it, really?", "yes", "match"), new Example("why", "because \"so\"", "other")),
                data.examples());
        assertEquals(file.toString(), data.source());
    }

    @Test
    void trecQuestionsHaveCoarseLabels() throws Exception {
        Path file = Files.writeString(
                tmp.resolve("q.label"), "DESC:manner How did serfdom develop ?\nNUM:date When ?\n");
        Dataset data = Dataset.read(file);
        assertEquals(List.of("DESC", "NUM"), data.examples().stream().map(Example::label).toList());
    }

    @Test
    void aMissingTextColumnListsTheHeader() throws Exception {
        Path file = Files.writeString(tmp.resolve("x.csv"), "body,title,label\na,b,c\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.read(file));
        assertTrue(e.getMessage().contains("[body, title, label]"), e.getMessage());
        assertNull(Dataset.read(file, new DatasetColumns("body", null, null)).examples().get(0).label());
    }

    @Test
    void trainingNeedsTwoLabels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LabelMap.of(List.of(Example.of("a", "x"), Example.of("b", "x")), "data"));
        assertTrue(e.getMessage().contains("two distinct labels"), e.getMessage());
    }
}
