package dev.nlptoolkit.spark;

import dev.nlptoolkit.tasks.score.OutputSchema;
import dev.nlptoolkit.tasks.score.ScoreOptions;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns of a scored Dataset: the input's, then {@code label} (string), {@code score} (double),
 * {@code error} (string) and with {@link ScoreOptions#allScores()} one double {@code score_<label>} per
 * class, named as {@link OutputSchema} names them. Rows read from CSV also carry hidden columns, dropped
 * from the output.
 */
final class Columns {

    /** label, score, error. */
    static final int ADDED_FIXED = 3;
    /** The 1-based line where a CSV record starts. */
    static final String LINE = "__toolkit_line";
    /** The error text of a record the reader or the field count already failed. */
    static final String ERROR = "__toolkit_error";
    /** The local engine's window the record falls in: rows sharing it are batched together. */
    static final String WINDOW = "__toolkit_window";
    /** The record's position in the input (file, then record), for keeping the order. */
    static final String ORDER = "__toolkit_order";

    private Columns() {}

    /** Where the hidden columns are in a row, -1 for absent ones. */
    record Hidden(int line, int error, int window) implements Serializable {

        static final Hidden NONE = new Hidden(-1, -1, -1);

        static Hidden of(StructType schema) {
            List<String> names = Arrays.asList(schema.fieldNames());
            return new Hidden(names.indexOf(LINE), names.indexOf(ERROR), names.indexOf(WINDOW));
        }
    }

    static boolean hidden(String name) {
        return name.equals(LINE) || name.equals(ERROR) || name.equals(WINDOW) || name.equals(ORDER);
    }

    /** The visible columns of {@code input}, which come before any hidden one. */
    static List<StructField> visible(StructType input) {
        List<StructField> fields = new ArrayList<>();
        for (StructField field : input.fields()) {
            if (hidden(field.name())) {
                break;
            }
            fields.add(field);
        }
        return fields;
    }

    /** The scored schema: the visible input columns, then the added ones. */
    static StructType output(List<StructField> visible, List<String> labels, ScoreOptions options) {
        List<String> names = new ArrayList<>();
        visible.forEach(field -> names.add(field.name()));
        // Checks the names as the local engine does: a clash names --prefix.
        List<StructField> fields = new ArrayList<>(visible);
        fields.addAll(added(OutputSchema.of(names, true, labels, options).addedColumns()));
        return DataTypes.createStructType(fields);
    }

    /** The added columns alone, typed, for the names {@link OutputSchema} gives them. */
    static List<StructField> added(List<String> added) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(added.get(0), DataTypes.StringType, true));
        fields.add(DataTypes.createStructField(added.get(1), DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField(added.get(2), DataTypes.StringType, true));
        for (int c = ADDED_FIXED; c < added.size(); c++) {
            fields.add(DataTypes.createStructField(added.get(c), DataTypes.DoubleType, true));
        }
        return fields;
    }
}
