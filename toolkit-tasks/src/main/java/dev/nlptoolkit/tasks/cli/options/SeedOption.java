package dev.nlptoolkit.tasks.cli.options;

import picocli.CommandLine.Option;

/** {@code --seed}: the one seed for weight initialisation, shuffling, dropout and data splits. */
public final class SeedOption {

    /** Every command that draws random numbers starts from this seed unless told otherwise. */
    public static final int DEFAULT_SEED = 42;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DEFAULT_SEED,
            description = "Random seed; the same seed gives the same run on CPU. Default: ${DEFAULT-VALUE}.")
    private int seed;

    public int seed() {
        return seed;
    }
}
