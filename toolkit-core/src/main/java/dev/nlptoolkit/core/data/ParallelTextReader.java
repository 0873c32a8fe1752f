package dev.nlptoolkit.core.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads sentence-aligned files, line i of one being the translation of line i of the other (e.g.
 * Multi30k {@code train.en.gz} and {@code train.de.gz}). Files are UTF-8, gzip-compressed or not
 * (recognised by content). Lines are kept as they are, empty ones included, so the alignment holds;
 * files of different lengths fail, naming both.
 */
public final class ParallelTextReader {

    private ParallelTextReader() {}

    /** Every pair of the two files, in order. */
    public static List<SentencePair> read(Path source, Path target) throws IOException {
        List<SentencePair> pairs = new ArrayList<>();
        try (Cursor cursor = open(source, target)) {
            cursor.forEachRemaining(pairs::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return pairs;
    }

    /** Opens both files for streaming; close the cursor when done. */
    public static Cursor open(Path source, Path target) throws IOException {
        LineReader sourceReader = TextFiles.openLines(source);
        try {
            return new Cursor(source, target, sourceReader, TextFiles.openLines(target));
        } catch (IOException e) {
            sourceReader.close();
            throw e;
        }
    }

    /**
     * The pairs of two open files, in order. Iteration failures (unequal lengths, bad bytes) are
     * {@link DatasetException}s wrapped in {@link UncheckedIOException}.
     */
    public static final class Cursor implements Iterator<SentencePair>, AutoCloseable {

        private final Path source;
        private final Path target;
        private final LineReader sourceReader;
        private final LineReader targetReader;
        private long line;
        private SentencePair next;
        private boolean done;

        private Cursor(Path source, Path target, LineReader sourceReader, LineReader targetReader) {
            this.source = source;
            this.target = target;
            this.sourceReader = sourceReader;
            this.targetReader = targetReader;
        }

        @Override
        public boolean hasNext() {
            if (next != null || done) {
                return next != null;
            }
            long number = line + 1;
            String sourceLine = readLine(sourceReader);
            String targetLine = readLine(targetReader);
            if (sourceLine == null && targetLine == null) {
                done = true;
                return false;
            }
            if (sourceLine == null || targetLine == null) {
                Path shorter = sourceLine == null ? source : target;
                Path longer = sourceLine == null ? target : source;
                String longerCount = countTotal(sourceLine == null ? targetReader : sourceReader, number);
                throw new UncheckedIOException(new DatasetException(longer, number, "the files are not aligned: "
                        + shorter + " has " + line + " lines but " + longer + " has " + longerCount
                        + "; line i of each must be the translation of line i of the other"));
            }
            line = number;
            next = new SentencePair(number, sourceLine, targetLine);
            return true;
        }

        /** The line count of a file whose line {@code read} was just read, or "more" if the rest is unreadable. */
        private static String countTotal(LineReader reader, long read) {
            long total = read;
            try {
                while (reader.readLine() != null) {
                    total++;
                }
                return String.valueOf(total);
            } catch (IOException e) {
                return "more";
            }
        }

        private static String readLine(LineReader reader) {
            try {
                return reader.readLine();
            } catch (DatasetException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public SentencePair next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            SentencePair pair = next;
            next = null;
            return pair;
        }

        @Override
        public void close() throws IOException {
            try {
                sourceReader.close();
            } finally {
                targetReader.close();
            }
        }
    }
}
