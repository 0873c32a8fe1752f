package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.data.TabularRow;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scores a CSV or TSV file: every input column is copied and {@value #LABEL_COLUMN} and
 * {@value #PROBABILITY_COLUMN} (of that label) are appended; the output is RFC 4180 CSV, written
 * atomically, rows in input order.
 */
public final class CsvScoring {

    public static final String LABEL_COLUMN = "label";
    public static final String PROBABILITY_COLUMN = "probability";
    private static final String PROBABILITY_FORMAT = "%.4f";

    private CsvScoring() {}

    /**
     * Classifies the {@code textColumn} of every row of {@code in} into {@code out}.
     *
     * @return the number of rows scored
     */
    public static int score(ClassifierModel model, Path in, String textColumn, Path out, int batchSize)
            throws IOException {
        List<String> header;
        List<List<String>> rows = new ArrayList<>();
        List<TextInput> inputs = new ArrayList<>();
        TabularReader reader = TabularReader.builder().setTextColumn(Column.named(textColumn)).build();
        try (TabularReader.TabularCursor cursor = reader.open(in)) {
            header = cursor.headerNames();
            while (cursor.hasNext()) {
                TabularRow row = cursor.next();
                rows.add(row.fields());
                inputs.add(TextInput.of(row.example().text()));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        List<Prediction> predictions = model.predict(inputs, batchSize, 0);
        List<String> outHeader = new ArrayList<>(header);
        outHeader.add(LABEL_COLUMN);
        outHeader.add(PROBABILITY_COLUMN);
        AtomicFiles.write(out, stream -> {
            Writer writer = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CSVPrinter printer = new CSVPrinter(writer, CSVFormat.RFC4180);
            printer.printRecord(outHeader);
            for (int i = 0; i < rows.size(); i++) {
                List<String> record = new ArrayList<>(rows.get(i));
                record.add(predictions.get(i).label());
                record.add(String.format(Locale.ROOT, PROBABILITY_FORMAT, predictions.get(i).probability()));
                printer.printRecord(record);
            }
            printer.flush();
        });
        return rows.size();
    }
}
