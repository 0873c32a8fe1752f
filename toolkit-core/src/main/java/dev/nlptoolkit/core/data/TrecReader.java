package dev.nlptoolkit.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the TREC question classification files ({@code train_5500.label}, {@code TREC_10.label}),
 * one question a line as {@code COARSE:fine question text}, e.g. {@code DESC:manner How did serfdom
 * develop ... ?}.
 *
 * <p>Charset: the copy in {@code datasets/trec} is valid UTF-8 (three questions hold Devanagari
 * digits where the upstream file has stray bytes). The upstream file is not valid UTF-8 (nor any
 * single charset), so bytes that are not UTF-8 are read as U+FFFD instead of failing: they only
 * occur inside question text, never in labels.
 */
public final class TrecReader {

    /** Which of the two label sets to use. */
    public enum Granularity {
        /** The 6 classes before the colon: ABBR, DESC, ENTY, HUM, LOC, NUM. */
        COARSE,
        /** The 50 classes, written with their coarse class: {@code DESC:manner}. */
        FINE
    }

    private static final Pattern LINE = Pattern.compile("([A-Z]+):(\\S+) (.*)");

    private final Granularity granularity;

    public TrecReader(Granularity granularity) {
        this.granularity = granularity;
    }

    /**
     * One question with the line it is on.
     *
     * @param line the 1-based line of the file
     * @param example the question and its label
     */
    public record Question(long line, Example example) {}

    /** Every question of {@code file} with its label, in file order; blank lines are skipped. */
    public List<Example> read(Path file) throws IOException {
        return readQuestions(file).stream().map(Question::example).toList();
    }

    /** {@link #read} with the line of each question, for messages that name it. */
    public List<Question> readQuestions(Path file) throws IOException {
        List<Question> questions = new ArrayList<>();
        try (BufferedReader reader = TextFiles.open(file, CodingErrorAction.REPLACE)) {
            long lineNumber = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                Matcher matcher = LINE.matcher(line);
                if (!matcher.matches()) {
                    throw new DatasetException(file, lineNumber, "expected 'COARSE:fine question', got '" + line + "'");
                }
                String label = granularity == Granularity.COARSE
                        ? matcher.group(1)
                        : matcher.group(1) + ":" + matcher.group(2);
                questions.add(new Question(lineNumber, Example.of(matcher.group(3).strip(), label)));
            }
        }
        return questions;
    }
}
