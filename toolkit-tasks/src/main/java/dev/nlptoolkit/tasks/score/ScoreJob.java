package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.device.DeviceChoice;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One scoring job, for any {@link ScoreEngine}.
 *
 * @param model a model directory {@code predict} takes
 * @param input the file to score
 * @param output where the scored file goes
 * @param options the record-level settings
 * @param format the input and output format, or null to go by each file's name ({@link TableFormat#of})
 * @param delimiter the field delimiter of delimited input and output, or null for the format's own
 * @param header whether a delimited input starts with a header (then so does the output)
 * @param device where the model runs
 * @param threads PyTorch intra-op threads (per task on Spark), or null for the engine's default
 * @param resume whether to continue an interrupted run (local engine)
 * @param progress whether to draw a progress bar on stderr
 * @param master the Spark master URL ({@code local[2]}, {@code yarn}), or null (Spark engine)
 */
public record ScoreJob(Path model, Path input, Path output, ScoreOptions options, TableFormat format,
        Character delimiter, boolean header, DeviceChoice device, Integer threads, boolean resume, boolean progress,
        String master) {

    public ScoreJob {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(device, "device");
    }

    /** A job with the defaults: formats by name, a header, automatic device, no resume, no progress bar. */
    public static ScoreJob of(Path model, Path input, Path output, ScoreOptions options) {
        return new ScoreJob(model, input, output, options, null, null, true, DeviceChoice.AUTO, null, false, false,
                null);
    }

    public TableFormat inputFormat() {
        return TableFormat.of(input, format);
    }

    public TableFormat outputFormat() {
        return TableFormat.of(output, format);
    }

    /** The delimiter of a delimited {@code format}. */
    public char delimiter(TableFormat tableFormat) {
        return delimiter != null ? delimiter : tableFormat.delimiter();
    }
}
