package dev.nlptoolkit.tasks.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.Example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

    /** The line a record starts on: a quoted field over two lines and a blank line move the next ones down. */
    @Test
    void csvExamplesKnowTheLineTheyStartOn() throws Exception {
        Path file = Files.writeString(tmp.resolve("lines.csv"),
                "text,label\r\none,a\r\n\"two\nlines\",b\r\n\r\nthree,a\r\n");
        Dataset data = Dataset.read(file);
        assertEquals(List.of(2L, 3L, 6L), lines(data));
        assertEquals(file + ":6", data.where(2));
        assertEquals(Optional.of(file), data.file());
        assertEquals(List.of(3L, 6L), lines(data.slice(1, 3)));
        assertEquals(List.of(2L, 3L, 6L), lines(data.mapLabels(l -> l + "!")));
        Dataset.HeldOut split = data.holdOut(0.5, 3);
        for (Dataset part : List.of(split.train(), split.dev())) {
            for (int i = 0; i < part.size(); i++) {
                int original = data.examples().indexOf(part.examples().get(i));
                assertEquals(data.line(original), part.line(i), part.examples().get(i).toString());
            }
        }
    }

    @Test
    void trecQuestionsKnowTheirLineAndInMemoryExamplesHaveNone() throws Exception {
        Path file = Files.writeString(tmp.resolve("q.label"), "DESC:manner How ?\n\n\nNUM:date When ?\n");
        assertEquals(List.of(1L, 4L), lines(Dataset.read(file)));
        Dataset memory = Dataset.of(List.of("a", "b"), List.of("x", "y"));
        assertEquals(List.of(0L, 0L), lines(memory));
        assertEquals("example 2 of in-memory examples", memory.where(1));
        assertEquals(Optional.empty(), memory.file());
    }

    private static List<Long> lines(Dataset data) {
        return IntStream.range(0, data.size()).mapToObj(data::line).toList();
    }

    @Test
    void holdOutKeepsEachLabelsShareAndLosesNothing() throws Exception {
        Dataset trec = Dataset.read(Fixtures.trec());
        Dataset.HeldOut split = trec.holdOut(0.1, 7);
        // round(10%) of ABBR 86, DESC 1162, ENTY 1248, HUM 1219, LOC 834, NUM 895
        assertEquals(Map.of("ABBR", 9L, "DESC", 116L, "ENTY", 125L, "HUM", 122L, "LOC", 83L, "NUM", 90L),
                labelCounts(split.dev()));
        assertEquals(trec.size() - 545, split.train().size());
        List<Example> rejoined = new ArrayList<>(split.train().examples());
        rejoined.addAll(split.dev().examples());
        assertEquals(counts(trec.examples()), counts(rejoined));
        assertEquals(split.dev().examples(), trec.holdOut(0.1, 7).dev().examples());
        assertNotEquals(split.dev().examples(), trec.holdOut(0.1, 8).dev().examples());
        assertTrue(split.dev().source().contains("train_5500.label"), split.dev().source());

        Dataset unlabelled = Dataset.of(List.of(Example.of("a", "x"), new Example("b", null, null)));
        UserInputException e = assertThrows(UserInputException.class, () -> unlabelled.holdOut(0.5, 1));
        assertTrue(e.getMessage().startsWith("example 2 of in-memory examples has no label"), e.getMessage());
    }

    private static Map<String, Long> labelCounts(Dataset data) {
        return data.examples().stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
    }

    private static Map<Example, Long> counts(List<Example> examples) {
        return examples.stream().collect(Collectors.groupingBy(e -> e, Collectors.counting()));
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
        UserInputException e = assertThrows(UserInputException.class,
                () -> LabelMap.of(List.of(Example.of("a", "x"), Example.of("b", "x")), "data"));
        assertTrue(e.getMessage().contains("two distinct labels"), e.getMessage());
    }
}
