package dev.nlptoolkit.tasks.score;

/**
 * One record as the scorer sees it: the texts, or the reason it cannot be scored.
 *
 * @param line the 1-based line of the input file where the record starts, or 0 when the source has no
 *     lines (a Parquet row); error texts name it
 * @param id the record's id column value, or null; error texts name it
 * @param text the text to classify; null when {@code error} is set
 * @param textPair the second text of a pair, or null
 * @param error why the record cannot be scored (already naming the line), or null
 */
public record ScoreInput(long line, String id, String text, String textPair, String error) {

    /** A record to classify. */
    public static ScoreInput of(long line, String id, String text, String textPair) {
        if (text == null) {
            throw new IllegalArgumentException("text is null; use failed(...) for a record without a text");
        }
        return new ScoreInput(line, id, text, textPair, null);
    }

    /** A record that cannot be scored, for {@code reason} (which should not name the line itself). */
    public static ScoreInput failed(long line, String id, String reason) {
        return new ScoreInput(line, id, null, null, where(line, id) + reason);
    }

    public boolean ok() {
        return error == null;
    }

    /**
     * The place an error text starts with: {@code "line 12: "}, {@code "line 12 (id 'a7'): "},
     * {@code "id 'a7': "} or nothing.
     */
    public static String where(long line, String id) {
        String idPart = id == null ? "" : "id '" + id + "'";
        if (line > 0) {
            return "line " + line + (idPart.isEmpty() ? "" : " (" + idPart + ")") + ": ";
        }
        return idPart.isEmpty() ? "" : idPart + ": ";
    }
}
