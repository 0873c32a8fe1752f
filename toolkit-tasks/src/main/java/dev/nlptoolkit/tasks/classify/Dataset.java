package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.Split;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.data.TrecReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

/**
 * Examples to train on, evaluate or predict: read from a file or given in memory.
 *
 * <p>Files by name: {@code *.label} is the TREC question format with its 6 coarse labels;
 * {@code *.tsv} (or {@code .tsv.gz}) is tab-separated with a header; anything else is RFC 4180 CSV
 * with a header. See {@link DatasetColumns} for choosing columns.
 *
 * <p>Examples read from a file remember the line they start on ({@link #line}), through
 * {@link #slice}, {@link #holdOut} and {@link #mapLabels}, so that a message about one names it.
 */
public final class Dataset {

    private static final String TREC_EXTENSION = ".label";

    private final List<Example> examples;
    /** The 1-based line each example starts on in {@link #file}; null for in-memory examples. */
    private final long[] lines;
    private final Path file;
    private final String source;

    private Dataset(List<Example> examples, long[] lines, Path file, String source) {
        this.examples = List.copyOf(examples);
        this.lines = lines;
        this.file = file;
        this.source = source;
    }

    private static Dataset ofFile(Path file, List<Example> examples, long[] lines) {
        return new Dataset(examples, lines, file, file.toString());
    }

    /** In-memory examples. */
    public static Dataset of(List<Example> examples) {
        return new Dataset(examples, null, null, "in-memory examples");
    }

    /** In-memory texts with their labels, position by position. */
    public static Dataset of(List<String> texts, List<String> labels) {
        if (texts.size() != labels.size()) {
            throw new IllegalArgumentException("got " + texts.size() + " texts but " + labels.size() + " labels");
        }
        List<Example> examples = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            examples.add(Example.of(texts.get(i), labels.get(i)));
        }
        return of(examples);
    }

    /** Reads {@code file} with the default columns {@code text} and {@code label}. */
    public static Dataset read(Path file) throws IOException {
        return read(file, DatasetColumns.DEFAULT);
    }

    /** Reads {@code file}; {@code columns} are ignored for the TREC format, which has none. */
    public static Dataset read(Path file, DatasetColumns columns) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(TREC_EXTENSION)) {
            List<TrecReader.Question> questions = new TrecReader(TrecReader.Granularity.COARSE).readQuestions(file);
            return ofFile(file, questions.stream().map(TrecReader.Question::example).toList(),
                    questions.stream().mapToLong(TrecReader.Question::line).toArray());
        }
        String text = textColumn(file, columns.text());
        TabularReader.Builder reader = TabularReader.builder().setTextColumn(Column.named(text));
        if (columns.textPair() != null) {
            reader.optPairColumn(Column.named(columns.textPair()));
        }
        if (columns.label() != null) {
            reader.optLabelColumn(Column.named(columns.label()));
        }
        List<Example> examples = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        try (TabularReader.TabularCursor cursor = reader.build().open(file)) {
            cursor.forEachRemaining(row -> {
                examples.add(row.example());
                lines.add(row.line());
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return ofFile(file, examples, lines.stream().mapToLong(Long::longValue).toArray());
    }

    /** {@code wanted} when the header has it, else the one usual text column the header has. */
    private static String textColumn(Path file, String wanted) throws IOException {
        List<String> header;
        try (TabularReader.TabularCursor cursor =
                TabularReader.builder().setTextColumn(Column.at(0)).build().open(file)) {
            header = cursor.headerNames();
        }
        if (header.contains(wanted)) {
            return wanted;
        }
        List<String> usual = DatasetColumns.TEXT_FALLBACKS.stream().filter(header::contains).toList();
        if (usual.size() == 1) {
            return usual.get(0);
        }
        throw new DatasetException(file, 1, "no text column '" + wanted + "' in the header " + header
                + "; name it with --text-column (or the per-file option)");
    }

    public List<Example> examples() {
        return examples;
    }

    public int size() {
        return examples.size();
    }

    /** Where the examples came from, for messages. */
    public String source() {
        return source;
    }

    /** The file the examples were read from; empty for in-memory examples. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The 1-based line of {@link #file()} that example {@code index} (0-based) starts on: for CSV
     * with a multi-line quoted field, the line of the record's first field. 0 for in-memory examples.
     */
    public long line(int index) {
        return lines == null ? 0 : lines[index];
    }

    /** Example {@code index} for a message: {@code file:line}, or {@code example N of <source>} in memory. */
    public String where(int index) {
        return lines == null ? "example " + (index + 1) + " of " + source : file + ":" + lines[index];
    }

    /** The same examples with each label replaced by {@code rename(label)}, e.g. SST-2's 0/1 by negative/positive. */
    public Dataset mapLabels(UnaryOperator<String> rename) {
        List<Example> renamed = new ArrayList<>(examples.size());
        for (Example e : examples) {
            renamed.add(new Example(e.text(), e.textPair(), e.label() == null ? null : rename.apply(e.label())));
        }
        return new Dataset(renamed, lines, file, source);
    }

    /** A data set split in two by {@link #holdOut}. */
    public record HeldOut(Dataset train, Dataset dev) {}

    /**
     * Holds out {@code fraction} of each label's examples as a dev set, drawn with {@code seed}: the
     * same file, fraction and seed give the same split. Every example must have a label.
     */
    public HeldOut holdOut(double fraction, long seed) {
        for (int i = 0; i < examples.size(); i++) {
            if (examples.get(i).label() == null) {
                throw new UserInputException(where(i) + " has no label, so a dev set cannot be held out by label");
            }
        }
        List<Integer> indices = IntStream.range(0, examples.size()).boxed().toList();
        Split<Integer> split = Split.stratified(indices, i -> examples.get(i).label(), fraction, seed);
        String held = fraction + " of " + source + " held out with seed " + seed;
        return new HeldOut(select(split.train(), source + " less the " + held), select(split.dev(), "the " + held));
    }

    private Dataset select(List<Integer> indices, String selectedSource) {
        List<Example> selected = indices.stream().map(examples::get).toList();
        long[] selectedLines = lines == null ? null : indices.stream().mapToLong(i -> lines[i]).toArray();
        return new Dataset(selected, selectedLines, file, selectedSource);
    }

    /**
     * The SHA-256 of the examples in order (text, pair and label of each), in hex: what a resumed run
     * compares to know it trains on the same data, whatever file or split it came from.
     */
    public String fingerprint() {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (Example e : examples) {
            // A field's length before it keeps ("ab", "c") apart from ("a", "bc"); -1 marks an absent one.
            for (String field : new String[] {e.text(), e.textPair(), e.label()}) {
                byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
                digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(field == null ? -1 : bytes.length).array());
                digest.update(bytes);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The examples from {@code from} (inclusive) to {@code to} (exclusive), e.g. to train on a slice. */
    public Dataset slice(int from, int to) {
        List<Example> sliced = examples.subList(from, to);
        long[] slicedLines = lines == null ? null : Arrays.copyOfRange(lines, from, to);
        return new Dataset(sliced, slicedLines, file, source + "[" + from + ":" + to + "]");
    }
}
