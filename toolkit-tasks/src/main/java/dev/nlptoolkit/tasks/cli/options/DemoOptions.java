package dev.nlptoolkit.tasks.cli.options;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --out}, {@code --minutes} and {@code --datasets} of the demos. Each demo declares the mixin with
 * its own defaults ({@code @Mixin DemoOptions demo = new DemoOptions("runs/demo", 3);}): picocli keeps an
 * instance the command made and takes the fields' initial values as the defaults it prints.
 */
public final class DemoOptions {

    /** Where the repository keeps the bundled data, relative to its root. */
    private static final String DATASETS = "datasets";

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where the demo writes its model and results. Default: ${DEFAULT-VALUE}.")
    private Path out;

    @Option(names = "--minutes", paramLabel = "M", description = "Training time budget. Default: ${DEFAULT-VALUE}.")
    private double minutes;

    @Option(names = "--datasets", paramLabel = "DIR", defaultValue = DATASETS,
            description = "The repository's datasets folder. Default: ${DEFAULT-VALUE}.")
    private Path datasets;

    /** The demo's defaults: its output directory and its training minutes. */
    public DemoOptions(String out, double minutes) {
        this.out = Path.of(out);
        this.minutes = minutes;
    }

    public Path out() {
        return out;
    }

    public double minutes() {
        return minutes;
    }

    public Path datasets() {
        return datasets;
    }
}
