package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.UserInputException;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of a scored table: every input column as it was, then {@value #LABEL}, {@value #SCORE}
 * (the probability of that label, {@link ScoreOptions#digits()} digits) and {@value #ERROR}, and with
 * {@link ScoreOptions#allScores()} one {@code score_<label>} per class, each name after
 * {@link ScoreOptions#prefix()}. Turns input fields into {@link ScoreInput}s and results into output
 * fields, the same way for every engine.
 *
 * <p>An input without a header has columns named by position, {@code _c0}, {@code _c1}, ... as Spark
 * names them.
 */
public final class OutputSchema {

    public static final String LABEL = "label";
    public static final String SCORE = "score";
    public static final String ERROR = "error";
    /** Before each label in the {@link ScoreOptions#allScores()} column names. */
    public static final String SCORE_PREFIX = "score_";
    /** The names of the columns of a file without a header: this and the 0-based position. */
    public static final String POSITION_PREFIX = "_c";

    private final List<String> inputColumns;
    private final List<String> columns;
    private final boolean header;
    private final int textIndex;
    private final int pairIndex;
    private final int idIndex;
    private final ScoreOptions options;
    private final int labelCount;

    private OutputSchema(List<String> inputColumns, List<String> columns, boolean header, int textIndex,
            int pairIndex, int idIndex, ScoreOptions options, int labelCount) {
        this.inputColumns = inputColumns;
        this.columns = columns;
        this.header = header;
        this.textIndex = textIndex;
        this.pairIndex = pairIndex;
        this.idIndex = idIndex;
        this.options = options;
        this.labelCount = labelCount;
    }

    /**
     * The schema for an input with these columns.
     *
     * @param inputColumns the header, or {@link #positions} for a file without one
     * @param header whether the names come from a header (they are only positions otherwise)
     * @param labels the model's labels in id order
     * @throws UserInputException when a named column is absent or an added column's name is taken
     */
    public static OutputSchema of(List<String> inputColumns, boolean header, List<String> labels,
            ScoreOptions options) {
        int text = index(inputColumns, header, options.textColumn(), "--text-column");
        int pair = options.pairColumn() == null ? -1
                : index(inputColumns, header, options.pairColumn(), "--pair-column");
        int id = options.idColumn() == null ? -1 : index(inputColumns, header, options.idColumn(), "--id-column");
        List<String> columns = new ArrayList<>(inputColumns);
        for (String column : addedColumns(labels, options)) {
            if (columns.contains(column)) {
                throw new UserInputException("the input already has a column '" + column + "', which score"
                        + " adds; name the added columns with --prefix P (e.g. --prefix pred_)");
            }
            columns.add(column);
        }
        return new OutputSchema(List.copyOf(inputColumns), List.copyOf(columns), header, text, pair, id, options,
                labels.size());
    }

    /** The names of the added columns, prefix included: label, score, error and maybe one score per label. */
    public static List<String> addedColumns(List<String> labels, ScoreOptions options) {
        List<String> added = new ArrayList<>(List.of(LABEL, SCORE, ERROR));
        if (options.allScores()) {
            labels.forEach(label -> added.add(SCORE_PREFIX + label));
        }
        return added.stream().map(name -> options.prefix() + name).toList();
    }

    /** The positional names {@code _c0 .. _c(n-1)} of a file without a header. */
    public static List<String> positions(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(POSITION_PREFIX + i);
        }
        return names;
    }

    private static int index(List<String> columns, boolean header, String name, String option) {
        int index = columns.indexOf(name);
        if (index >= 0) {
            return index;
        }
        if (!header) {
            throw new UserInputException("no column '" + name + "': the input is read without a header, so its "
                    + "columns are named by position, " + describe(columns) + "; choose one with " + option);
        }
        throw new UserInputException("no column '" + name + "' in the header; columns found: "
                + describe(columns) + "; choose one with " + option);
    }

    private static String describe(List<String> columns) {
        return columns.isEmpty() ? "none" : String.join(", ", columns);
    }

    public List<String> inputColumns() {
        return inputColumns;
    }

    /** The output header: the input columns, then the added ones. */
    public List<String> columns() {
        return columns;
    }

    /** The added columns only. */
    public List<String> addedColumns() {
        return columns.subList(inputColumns.size(), columns.size());
    }

    /**
     * What the scorer gets for one input record.
     *
     * @param line the record's 1-based line (0: unknown)
     * @param fields the fields as far as they could be read; a null field is an empty one
     * @param readError why the reader could not read the record (without the line), or null
     */
    public ScoreInput input(long line, List<String> fields, String readError) {
        String id = idIndex >= 0 && idIndex < fields.size() ? fields.get(idIndex) : null;
        if (readError != null) {
            return ScoreInput.failed(line, id, readError);
        }
        if (fields.size() != inputColumns.size()) {
            return ScoreInput.failed(line, id, "has " + fields.size() + (fields.size() == 1 ? " field" : " fields")
                    + " where the " + (header ? "header has " : "first record has ") + inputColumns.size());
        }
        String text = fields.get(textIndex);
        if (isEmpty(text)) {
            return ScoreInput.failed(line, id, "the text column '" + inputColumns.get(textIndex) + "' is empty");
        }
        String pair = null;
        if (pairIndex >= 0) {
            pair = fields.get(pairIndex);
            if (isEmpty(pair)) {
                return ScoreInput.failed(line, id, "the pair column '" + inputColumns.get(pairIndex) + "' is empty");
            }
        }
        return ScoreInput.of(line, id, text, pair);
    }

    /** Whether a text has nothing to classify; a blank text reads as no text. */
    private static boolean isEmpty(String text) {
        return text == null || text.isBlank();
    }

    /**
     * The output fields of one record: its input fields (as far as read, cut or padded with empty
     * fields to the header's width), then the added columns; the columns of a failed record are empty but
     * its error.
     */
    public List<String> output(List<String> fields, ScoreResult result) {
        List<String> out = new ArrayList<>(columns.size());
        for (int i = 0; i < inputColumns.size(); i++) {
            String field = i < fields.size() ? fields.get(i) : null;
            out.add(field == null ? "" : field);
        }
        out.addAll(added(result));
        return out;
    }

    /** The values of the added columns for {@code result}, as printed. */
    public List<String> added(ScoreResult result) {
        List<String> out = new ArrayList<>(addedColumns().size());
        out.add(result.ok() ? result.label() : "");
        out.add(result.ok() ? formatScore(result.score(), options.digits()) : "");
        out.add(result.ok() ? "" : result.error());
        if (options.allScores()) {
            for (int c = 0; c < labelCount; c++) {
                out.add(result.ok() ? formatScore(result.scores()[c], options.digits()) : "");
            }
        }
        return out;
    }

    /** {@code p} with exactly {@code digits} digits after the point, rounded half-even, no exponent. */
    public static String formatScore(double p, int digits) {
        return new BigDecimal(p).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
    }
}
