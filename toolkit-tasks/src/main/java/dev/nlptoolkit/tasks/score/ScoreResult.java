package dev.nlptoolkit.tasks.score;

/**
 * The scorer's answer for one record.
 *
 * @param label the most probable label, or null on error
 * @param score the probability of {@code label}; NaN on error
 * @param scores every label's probability in label-id order ({@link BatchScorer#labels()}), or null on error
 * @param error why the record was not scored (naming its line), or null
 */
public record ScoreResult(String label, double score, double[] scores, String error) {

    static ScoreResult failed(String error) {
        return new ScoreResult(null, Double.NaN, null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
