package dev.nlptoolkit.core.train;

/** What every task's training run writes into its output directory, beside the model itself. */
public final class RunFiles {

    /** The resumable checkpoints ({@link TrainingCheckpoint}). */
    public static final String CHECKPOINT_DIR = "checkpoints";
    /** One JSON line per evaluation ({@link TrainingLog}). */
    public static final String LOG_FILE = "train_log.jsonl";
    /** The provenance of the run: data, settings, what was skipped, how it ended. */
    public static final String PROVENANCE_FILE = "training.json";
    /** Training loss and the dev metric over steps, drawn from {@link #LOG_FILE} when asked for ({@code --plot}). */
    public static final String TRAINING_CURVES_FILE = "training_curves.png";

    private RunFiles() {}
}
