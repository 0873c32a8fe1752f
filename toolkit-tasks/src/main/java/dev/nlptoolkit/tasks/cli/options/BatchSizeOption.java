package dev.nlptoolkit.tasks.cli.options;

import dev.nlptoolkit.core.UserInputException;

import picocli.CommandLine.Option;

/** {@code --batch-size}: examples (or sentences) per batch; without it each command uses its own default. */
public final class BatchSizeOption {

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Examples per batch. Default: 32 for evaluate and predict, the model's for training.")
    private Integer batchSize;

    /** The size given, or null when the command's default applies. */
    public Integer orNull() {
        check();
        return batchSize;
    }

    /** The size given, else {@code fallback}. */
    public int orElse(int fallback) {
        check();
        return batchSize == null ? fallback : batchSize;
    }

    private void check() {
        if (batchSize != null && batchSize < 1) {
            throw new UserInputException("--batch-size is " + batchSize + "; it must be at least 1");
        }
    }
}
