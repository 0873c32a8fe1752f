package dev.nlptoolkit.tasks.score;

import com.google.gson.JsonObject;

/**
 * What a scoring run did; its JSON form is the last line a {@code score} run prints on stderr.
 *
 * @param rows output records, one per input record (on resume: of the whole file)
 * @param scored records with a label
 * @param errors records with an error
 * @param seconds wall time of this run
 * @param rowsPerSecond records this run scored or failed per second of its wall time
 */
public record ScoreSummary(long rows, long scored, long errors, double seconds, double rowsPerSecond) {

    /** The share of rows with an error; 0 for no rows. */
    public double errorRate() {
        return rows == 0 ? 0 : (double) errors / rows;
    }

    /** {@code {"rows", "scored", "errors", "seconds", "rows_per_second"}}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("rows", rows);
        json.addProperty("scored", scored);
        json.addProperty("errors", errors);
        json.addProperty("seconds", Math.round(seconds * 1000) / 1000.0);
        json.addProperty("rows_per_second", Math.round(rowsPerSecond * 10) / 10.0);
        return json;
    }
}
