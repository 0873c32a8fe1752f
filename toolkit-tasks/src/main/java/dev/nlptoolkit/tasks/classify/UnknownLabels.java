package dev.nlptoolkit.tasks.classify;

/**
 * What evaluation does with a gold label the model never saw in training (the CLI's
 * {@code evaluate --allow-unknown-labels} picks {@link #COUNT_AS_ERRORS}).
 */
public enum UnknownLabels {
    /** Refuse the data with a {@link dev.nlptoolkit.core.UserInputException} naming the file and line. */
    REJECT,
    /**
     * Score such examples as errors (the model cannot predict the label) and list them under
     * {@code unknown_gold}: for data labelled with a superset of the model's labels on purpose.
     */
    COUNT_AS_ERRORS
}
