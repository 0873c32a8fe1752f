package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.tasks.classify.ClassifierModel;

import java.util.Objects;

/**
 * The record-level settings of a scoring job, the same for every engine: which columns hold the texts,
 * how the added columns are named and how scores are printed.
 *
 * <pre>{@code
 * ScoreOptions options = ScoreOptions.builder().optTextColumn("review").optAllScores(true).build();
 * }</pre>
 */
public final class ScoreOptions {

    public static final String DEFAULT_TEXT_COLUMN = "text";
    /** Digits after the decimal point of every printed probability. */
    public static final int DEFAULT_DIGITS = 6;
    /** More digits than a double holds would print noise. */
    private static final int MAX_DIGITS = 17;

    private final String textColumn;
    private final String pairColumn;
    private final String idColumn;
    private final String prefix;
    private final boolean allScores;
    private final int digits;
    private final int batchSize;

    private ScoreOptions(Builder builder) {
        this.textColumn = builder.textColumn;
        this.pairColumn = builder.pairColumn;
        this.idColumn = builder.idColumn;
        this.prefix = builder.prefix;
        this.allScores = builder.allScores;
        this.digits = builder.digits;
        this.batchSize = builder.batchSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The column holding the text to classify. */
    public String textColumn() {
        return textColumn;
    }

    /** The column holding the second text of a sentence pair, or null for single texts. */
    public String pairColumn() {
        return pairColumn;
    }

    /** A column that identifies rows, named in error texts, or null. */
    public String idColumn() {
        return idColumn;
    }

    /** Put before the names of the added columns ({@code label}, {@code score}, ...); empty by default. */
    public String prefix() {
        return prefix;
    }

    /** Whether one {@code score_<label>} column per class is added. */
    public boolean allScores() {
        return allScores;
    }

    public int digits() {
        return digits;
    }

    /** Inputs per forward pass. */
    public int batchSize() {
        return batchSize;
    }

    /** Every setting as one line, for the resume check: a run may continue only under the same settings. */
    public String signature() {
        return "text=" + textColumn + "|pair=" + pairColumn + "|id=" + idColumn + "|prefix=" + prefix
                + "|all_scores=" + allScores + "|digits=" + digits + "|batch_size=" + batchSize;
    }

    /** Builds {@link ScoreOptions}; every setting has a default. */
    public static final class Builder {

        private String textColumn = DEFAULT_TEXT_COLUMN;
        private String pairColumn;
        private String idColumn;
        private String prefix = "";
        private boolean allScores;
        private int digits = DEFAULT_DIGITS;
        private int batchSize = ClassifierModel.DEFAULT_BATCH_SIZE;

        private Builder() {}

        public Builder optTextColumn(String textColumn) {
            this.textColumn = Objects.requireNonNull(textColumn, "textColumn");
            return this;
        }

        public Builder optPairColumn(String pairColumn) {
            this.pairColumn = pairColumn;
            return this;
        }

        public Builder optIdColumn(String idColumn) {
            this.idColumn = idColumn;
            return this;
        }

        public Builder optPrefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        public Builder optAllScores(boolean allScores) {
            this.allScores = allScores;
            return this;
        }

        public Builder optDigits(int digits) {
            this.digits = digits;
            return this;
        }

        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public ScoreOptions build() {
            if (textColumn.isEmpty()) {
                throw new UserInputException("the text column name is empty; name the column that holds the"
                        + " texts (--text-column)");
            }
            if (textColumn.equals(pairColumn)) {
                throw new UserInputException("the text and the pair column are both '" + textColumn
                        + "'; a pair needs two columns");
            }
            if (digits < 0 || digits > MAX_DIGITS) {
                throw new UserInputException("digits must be 0.." + MAX_DIGITS + ", got " + digits);
            }
            if (batchSize < 1) {
                throw new UserInputException("batch size must be at least 1, got " + batchSize);
            }
            return new ScoreOptions(this);
        }
    }
}
