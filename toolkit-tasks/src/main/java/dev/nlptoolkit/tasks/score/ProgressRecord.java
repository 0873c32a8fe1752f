package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The small file beside {@code OUT.partial} that says how far an interrupted run got: written at each
 * window boundary after the window's records reached the disk, so the partial output is known good up
 * to {@code outputBytes}.
 *
 * @param rows records written
 * @param scored of which scored
 * @param errors of which errors
 * @param outputBytes length of the partial output holding exactly those records
 * @param inputOffset byte offset in the (decompressed) input where the next record starts
 * @param inputLine the line it starts on
 * @param inputSize the input file's size when the run started
 * @param inputModified its modification time, milliseconds since the epoch
 * @param modelFingerprint {@link ModelFingerprint} of the model directory
 * @param settings every setting that decides the output bytes
 */
record ProgressRecord(long rows, long scored, long errors, long outputBytes, long inputOffset, long inputLine,
        long inputSize, long inputModified, String modelFingerprint, String settings) {

    void write(Path file) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("rows", rows);
        json.addProperty("scored", scored);
        json.addProperty("errors", errors);
        json.addProperty("output_bytes", outputBytes);
        json.addProperty("input_offset", inputOffset);
        json.addProperty("input_line", inputLine);
        json.addProperty("input_size", inputSize);
        json.addProperty("input_modified", inputModified);
        json.addProperty("model_fingerprint", modelFingerprint);
        json.addProperty("settings", settings);
        AtomicFiles.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(json) + "\n");
    }

    static ProgressRecord read(Path file) throws IOException {
        try {
            JsonObject json = JsonFiles.readObject(file);
            return new ProgressRecord(json.get("rows").getAsLong(), json.get("scored").getAsLong(),
                    json.get("errors").getAsLong(), json.get("output_bytes").getAsLong(),
                    json.get("input_offset").getAsLong(), json.get("input_line").getAsLong(),
                    json.get("input_size").getAsLong(), json.get("input_modified").getAsLong(),
                    json.get("model_fingerprint").getAsString(), json.get("settings").getAsString());
        } catch (CheckpointException | RuntimeException e) {
            throw new UserInputException(file + ": not a progress record score wrote (" + e.getMessage()
                    + "); score again without --resume");
        }
    }
}
