package dev.nlptoolkit.spark;

import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.score.BatchScorer;
import dev.nlptoolkit.tasks.score.OutputSchema;
import dev.nlptoolkit.tasks.score.ScoreInput;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreResult;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Scores one partition: the task takes a {@link ClassifierModel#predictor()} of its executor's shared
 * model, closed by a task-completion listener (on success and on failure), sets one PyTorch thread per
 * task, and scores windows of rows with the local engine's {@link BatchScorer}, row order kept.
 *
 * <p>A window is {@code windowRows} consecutive rows of the partition or, when the rows carry a window
 * column ({@link Columns#WINDOW}, set by {@link CsvInput}), the rows that share its value: the local
 * engine's windows, so both engines batch the same rows together.
 *
 * <p>Input rows: the visible columns first, then the optional hidden ones ({@link Columns}). Output rows:
 * the visible columns as they were, then the added columns of {@link SparkScoring#outputSchema}.
 */
final class ScorePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ModelRef model;
    private final ScoreOptions options;
    private final List<String> columns;
    private final Columns.Hidden hidden;
    private final int threads;
    private final int windowRows;

    ScorePartition(ModelRef model, ScoreOptions options, List<String> columns, Columns.Hidden hidden, int threads,
            int windowRows) {
        this.model = model;
        this.options = options;
        this.columns = List.copyOf(columns);
        this.hidden = hidden;
        this.threads = threads;
        this.windowRows = windowRows;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return Collections.emptyIterator();
        }
        // Task threads are pooled: set the count on each task's own thread.
        EngineSettings.threads(threads, EngineSettings.current().interOp());
        ClassifierModel predictor = ExecutorModels.shared(model).predictor();
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> predictor.close());
        }
        BatchScorer scorer = new BatchScorer(predictor, options);
        OutputSchema schema = OutputSchema.of(columns, true, scorer.labels(), options);
        return new Scored(rows, scorer, schema, task == null ? predictor : null);
    }

    /** The scored rows, computed a window at a time as Spark pulls them. */
    private final class Scored implements Iterator<Row> {

        private final Iterator<Row> rows;
        private final BatchScorer scorer;
        private final OutputSchema schema;
        /** Closed here at the end only when no task listener will close it (called outside a task). */
        private final AutoCloseable ownPredictor;
        private Row pending;
        private Iterator<Row> window = Collections.emptyIterator();

        Scored(Iterator<Row> rows, BatchScorer scorer, OutputSchema schema, AutoCloseable ownPredictor) {
            this.rows = rows;
            this.scorer = scorer;
            this.schema = schema;
            this.ownPredictor = ownPredictor;
        }

        @Override
        public boolean hasNext() {
            if (!window.hasNext() && (pending != null || rows.hasNext())) {
                window = score(nextWindow()).iterator();
            }
            boolean more = window.hasNext();
            if (!more && ownPredictor != null) {
                try {
                    ownPredictor.close();
                } catch (Exception e) {
                    throw new IllegalStateException("cannot close the predictor", e);
                }
            }
            return more;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return window.next();
        }

        private List<Row> nextWindow() {
            List<Row> batch = new ArrayList<>(windowRows);
            Row first = pending != null ? pending : rows.next();
            pending = null;
            batch.add(first);
            Object key = hidden.window() >= 0 ? first.get(hidden.window()) : null;
            while (batch.size() < windowRows && rows.hasNext()) {
                Row row = rows.next();
                if (key != null && !Objects.equals(key, row.get(hidden.window()))) {
                    pending = row;
                    break;
                }
                batch.add(row);
            }
            return batch;
        }

        private List<Row> score(List<Row> batch) {
            List<ScoreInput> inputs = new ArrayList<>(batch.size());
            for (Row row : batch) {
                inputs.add(input(row));
            }
            List<ScoreResult> results = scorer.score(inputs);
            List<Row> out = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                out.add(output(batch.get(i), results.get(i)));
            }
            return out;
        }

        private ScoreInput input(Row row) {
            long line = hidden.line() >= 0 ? row.getLong(hidden.line()) : 0;
            String readError = hidden.error() >= 0 ? row.getString(hidden.error()) : null;
            List<String> fields = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                Object value = row.get(i);
                fields.add(value == null ? null : value.toString());
            }
            if (readError != null) {
                // Already the whole error text, made by the reader task with the same OutputSchema.input.
                String id = options.idColumn() == null ? null : fields.get(columns.indexOf(options.idColumn()));
                return new ScoreInput(line, id, null, null, readError);
            }
            return schema.input(line, fields, null);
        }

        private Row output(Row row, ScoreResult result) {
            int labels = scorer.labels().size();
            Object[] values = new Object[columns.size() + Columns.ADDED_FIXED + (options.allScores() ? labels : 0)];
            for (int i = 0; i < columns.size(); i++) {
                values[i] = row.get(i);
            }
            int at = columns.size();
            values[at++] = result.ok() ? result.label() : null;
            values[at++] = result.ok() ? result.score() : null;
            values[at++] = result.ok() ? null : result.error();
            if (options.allScores()) {
                double[] scores = result.ok() ? result.scores() : null;
                for (int c = 0; c < labels; c++) {
                    values[at++] = scores == null ? null : scores[c];
                }
            }
            return RowFactory.create(values);
        }
    }
}
