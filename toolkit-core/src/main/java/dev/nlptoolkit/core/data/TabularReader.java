package dev.nlptoolkit.core.data;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads labelled (or unlabelled) texts from CSV or TSV files with Apache Commons CSV.
 *
 * <p>Columns are chosen by header name ({@link Column#named}) or position ({@link Column#at}); a
 * headerless file (e.g. the SMS Spam Collection, {@code label<TAB>text}) takes positions only. The
 * format is {@link TabularFormat#forFile by extension} unless set. Files are UTF-8 (a byte order
 * mark is skipped; other bytes fail the read), optionally gzip-compressed. Blank lines are skipped;
 * labels are trimmed of surrounding white space, texts are kept exactly.
 *
 * <p>{@link #open(Path)} streams the file record by record without holding it, for scoring large
 * files; {@link #read(Path)} loads every example.
 *
 * <pre>{@code
 * TabularReader sst2 = TabularReader.builder()
 *         .setTextColumn(Column.named("sentence")).optLabelColumn(Column.named("label")).build();
 * List<Example> train = sst2.read(Path.of("datasets/sst2/train.tsv"));
 * }</pre>
 */
public final class TabularReader {

    private final Column text;
    private final Column pair;
    private final Column label;
    private final TabularFormat format;
    private final boolean header;

    private TabularReader(Builder builder) {
        this.text = builder.text;
        this.pair = builder.pair;
        this.label = builder.label;
        this.format = builder.format;
        this.header = builder.header;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every example of {@code file}, in file order. */
    public List<Example> read(Path file) throws IOException {
        List<Example> examples = new ArrayList<>();
        try (TabularCursor cursor = open(file)) {
            cursor.forEachRemaining(row -> examples.add(row.example()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return examples;
    }

    /**
     * Opens {@code file} for streaming; close the cursor when done.
     *
     * @throws DatasetException if the header lacks a named column (the message lists the columns found)
     */
    public TabularCursor open(Path file) throws IOException {
        TabularFormat fileFormat = format != null ? format : TabularFormat.forFile(file);
        CSVFormat csvFormat = header
                ? fileFormat.csvFormat().builder().setHeader().setSkipHeaderRecord(true).setAllowMissingColumnNames(true).get()
                : fileFormat.csvFormat();
        BufferedReader reader = TextFiles.open(file, CodingErrorAction.REPORT);
        try {
            CSVParser parser = CSVParser.builder().setReader(reader).setFormat(csvFormat).get();
            List<String> names = header ? parser.getHeaderNames() : List.of();
            return new TabularCursor(file, parser, names,
                    resolve(file, text, names), resolve(file, pair, names), resolve(file, label, names));
        } catch (IOException | IllegalArgumentException | UncheckedIOException e) {
            reader.close();
            if (e instanceof DatasetException dataset) {
                throw dataset;
            }
            throw new DatasetException(file, 1, "cannot read the header: " + describe(e), e);
        }
    }

    /**
     * Says what is wrong; decoding errors otherwise read only "Input length = 1". The decoder works
     * ahead of the parser, so a bad byte is at or after the line reported, not necessarily on it.
     */
    private static String describe(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return "the file holds bytes that are not UTF-8 at or after this line; convert it to UTF-8";
            }
        }
        return e.getMessage();
    }

    /** The 0-based index of {@code column}, or -1 when it is not configured. */
    private int resolve(Path file, Column column, List<String> names) throws DatasetException {
        if (column == null) {
            return -1;
        }
        if (column.name() == null) {
            return column.index();
        }
        if (!header) {
            throw new DatasetException(file, "column " + column + " is named but the file is read without a header: "
                    + "use Column.at(index) or optHeader(true)");
        }
        int index = names.indexOf(column.name());
        if (index < 0) {
            throw new DatasetException(file, 1, "no column " + column + " in the header; columns found: " + names);
        }
        return index;
    }

    /** The records of one open file, in order. Iteration failures are {@link DatasetException}s wrapped in {@link UncheckedIOException}. */
    public final class TabularCursor implements Iterator<TabularRow>, AutoCloseable {

        private final Path file;
        private final CSVParser parser;
        private final Iterator<CSVRecord> records;
        private final List<String> headerNames;
        private final int textIndex;
        private final int pairIndex;
        private final int labelIndex;
        private long linesConsumed;
        private TabularRow next;

        private TabularCursor(Path file, CSVParser parser, List<String> headerNames, int textIndex, int pairIndex, int labelIndex) {
            this.file = file;
            this.parser = parser;
            this.records = parser.iterator();
            this.headerNames = List.copyOf(headerNames);
            this.textIndex = textIndex;
            this.pairIndex = pairIndex;
            this.labelIndex = labelIndex;
            this.linesConsumed = parser.getCurrentLineNumber();
        }

        /** The header's column names, or an empty list for a headerless file. */
        public List<String> headerNames() {
            return headerNames;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                long line = linesConsumed + 1;
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        return false;
                    }
                    record = records.next();
                } catch (UncheckedIOException | IllegalStateException e) {
                    throw new UncheckedIOException(new DatasetException(file, line, "cannot parse: " + describe(e), e));
                }
                linesConsumed = parser.getCurrentLineNumber();
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue;
                }
                next = toRow(record, line);
            }
            return true;
        }

        private TabularRow toRow(CSVRecord record, long line) {
            String label = labelIndex < 0 ? null : field(record, labelIndex, TabularReader.this.label, line).strip();
            if (label != null && label.isEmpty()) {
                throw new UncheckedIOException(new DatasetException(file, line, "empty label in column " + TabularReader.this.label));
            }
            Example example = new Example(
                    field(record, textIndex, text, line),
                    pairIndex < 0 ? null : field(record, pairIndex, pair, line),
                    label);
            return new TabularRow(line, example, record.toList());
        }

        private String field(CSVRecord record, int index, Column column, long line) {
            if (index >= record.size()) {
                throw new UncheckedIOException(new DatasetException(file, line, "column " + column + " is missing: the record has "
                        + record.size() + " field(s)" + (headerNames.isEmpty() ? "" : ", the header " + headerNames)));
            }
            return record.get(index);
        }

        @Override
        public TabularRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            TabularRow row = next;
            next = null;
            return row;
        }

        /** The remaining rows as a stream; closing the stream closes this cursor. */
        public Stream<TabularRow> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
                    .onClose(() -> {
                        try {
                            close();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }

        @Override
        public void close() throws IOException {
            parser.close();
        }
    }

    /** Builds a {@link TabularReader}; the text column is required. */
    public static final class Builder {

        private Column text;
        private Column pair;
        private Column label;
        private TabularFormat format;
        private boolean header = true;

        private Builder() {}

        public Builder setTextColumn(Column text) {
            this.text = text;
            return this;
        }

        /** The second text of sentence pairs. Default none. */
        public Builder optPairColumn(Column pair) {
            this.pair = pair;
            return this;
        }

        /** The gold label; leave unset for files to predict. Default none. */
        public Builder optLabelColumn(Column label) {
            this.label = label;
            return this;
        }

        /** The format. Default: by file extension, see {@link TabularFormat#forFile}. */
        public Builder optFormat(TabularFormat format) {
            this.format = format;
            return this;
        }

        /** Whether the first record is a header. Default true. */
        public Builder optHeader(boolean header) {
            this.header = header;
            return this;
        }

        public TabularReader build() {
            if (text == null) {
                throw new IllegalArgumentException("setTextColumn(...) is required, e.g. Column.named(\"sentence\")");
            }
            return new TabularReader(this);
        }
    }
}
