package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.EncodedInputs;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextInput;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores lists of records with a loaded classifier: the record-level core that every engine shares.
 *
 * <p>Contract:
 * <ul>
 *   <li>One {@link ScoreResult} per {@link ScoreInput}, in the same order; a failed input comes back
 *       with its error and the others are still scored.
 *   <li>The scorable records of one call are grouped by token length into batches of at most
 *       {@link ScoreOptions#batchSize()}: which records share a batch depends only on the list, so the
 *       same list always gives the same numbers. Engines call it on fixed windows of rows.
 *   <li>Texts longer than the model's limit ({@link ClassifierModel#maxLength()}) are truncated.
 *   <li>No file I/O. {@link #prepare} uses only the tokenizer and may run on another thread than
 *       {@link #score(Prepared)}, which runs the model (gradient recording off on the calling thread).
 *       Like the model, a scorer runs one {@link #score} at a time.
 * </ul>
 *
 * <pre>{@code
 * try (ClassifierModel model = ClassifierModel.load(dir)) {
 *     BatchScorer scorer = new BatchScorer(model, ScoreOptions.builder().build());
 *     List<ScoreResult> results = scorer.score(List.of(ScoreInput.of(1, null, "a witty film", null)));
 * }
 * }</pre>
 */
public final class BatchScorer {

    private final ClassifierModel model;
    private final int batchSize;

    /** The model stays the caller's to close. */
    public BatchScorer(ClassifierModel model, ScoreOptions options) {
        this.model = model;
        this.batchSize = options.batchSize();
    }

    /** The labels in id order: the order of {@link ScoreResult#scores()}. */
    public List<String> labels() {
        return model.labels();
    }

    /** Records tokenised and batched, ready for {@link #score(Prepared)}. */
    public static final class Prepared {

        private final List<ScoreInput> inputs;
        private final int[] positions;
        private final EncodedInputs encoded;

        private Prepared(List<ScoreInput> inputs, int[] positions, EncodedInputs encoded) {
            this.inputs = inputs;
            this.positions = positions;
            this.encoded = encoded;
        }

        public int size() {
            return inputs.size();
        }
    }

    /** Tokenises the scorable records of {@code inputs}. */
    public Prepared prepare(List<ScoreInput> inputs) {
        List<TextInput> texts = new ArrayList<>(inputs.size());
        int[] positions = new int[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            ScoreInput input = inputs.get(i);
            if (input.ok()) {
                positions[texts.size()] = i;
                texts.add(new TextInput(input.text(), input.textPair()));
            }
        }
        return new Prepared(List.copyOf(inputs), positions, model.encode(texts, batchSize));
    }

    /** Runs the model on prepared records; the results are in input order. */
    public List<ScoreResult> score(Prepared prepared) {
        List<Prediction> predictions = model.predict(prepared.encoded);
        ScoreResult[] results = new ScoreResult[prepared.size()];
        List<String> labels = labels();
        for (int k = 0; k < predictions.size(); k++) {
            Prediction p = predictions.get(k);
            double[] scores = new double[labels.size()];
            for (int c = 0; c < scores.length; c++) {
                scores[c] = p.probabilities().get(labels.get(c));
            }
            results[prepared.positions[k]] = new ScoreResult(p.label(), p.probability(), scores, null);
        }
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                results[i] = ScoreResult.failed(prepared.inputs.get(i).error());
            }
        }
        return List.of(results);
    }

    /** {@link #prepare} and {@link #score(Prepared)} in one call. */
    public List<ScoreResult> score(List<ScoreInput> inputs) {
        return score(prepare(inputs));
    }
}
