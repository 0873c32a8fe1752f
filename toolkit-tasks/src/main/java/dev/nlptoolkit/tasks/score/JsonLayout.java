package dev.nlptoolkit.tasks.score;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;

/**
 * JSON lines: each line one object; the texts are the values of the text and pair keys; the output is
 * the object with the added keys after its own (null where they have no value), or for a line that is
 * not an object, only the added keys.
 */
final class JsonLayout implements RecordLayout {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private final ScoreOptions options;
    private final List<String> labels;
    private final List<String> added;

    JsonLayout(ScoreOptions options, List<String> labels) {
        this.options = options;
        this.labels = labels;
        this.added = OutputSchema.addedColumns(labels, options);
    }

    /** The first added key {@code object} holds already, or null. */
    String clash(InputRecord record) {
        JsonObject object = parse(record.fields().get(0));
        if (object == null) {
            return null;
        }
        return added.stream().filter(object::has).findFirst().orElse(null);
    }

    static String clashMessage(String key) {
        return "the input already has a key '" + key + "', which score adds; name the added keys with --prefix P"
                + " (e.g. --prefix pred_)";
    }

    @Override
    public ScoreInput input(InputRecord record) {
        if (record.error() != null) {
            return ScoreInput.failed(record.line(), null, record.error());
        }
        String line = record.fields().get(0);
        if (line.isBlank()) {
            return ScoreInput.failed(record.line(), null, "empty line");
        }
        JsonElement json;
        try {
            json = strictParse(line);
        } catch (JsonParseException e) {
            return ScoreInput.failed(record.line(), null, "not valid JSON: " + e.getMessage());
        }
        if (!json.isJsonObject()) {
            return ScoreInput.failed(record.line(), null, "expected a JSON object, got " + abbreviate(json));
        }
        JsonObject object = json.getAsJsonObject();
        String id = options.idColumn() == null ? null : scalar(object.get(options.idColumn()));
        for (String key : added) {
            if (object.has(key)) {
                return ScoreInput.failed(record.line(), id, clashMessage(key));
            }
        }
        String text = scalar(object.get(options.textColumn()));
        if (text == null || text.isBlank()) {
            return ScoreInput.failed(record.line(), id, "the text column '" + options.textColumn() + "' is empty");
        }
        String pair = null;
        if (options.pairColumn() != null) {
            pair = scalar(object.get(options.pairColumn()));
            if (pair == null || pair.isBlank()) {
                return ScoreInput.failed(record.line(), id, "the pair column '" + options.pairColumn()
                        + "' is empty");
            }
        }
        return ScoreInput.of(record.line(), id, text, pair);
    }

    @Override
    public void write(InputRecord record, ScoreResult result, RecordWriter writer) throws IOException {
        JsonObject object = record.error() == null ? parse(record.fields().get(0)) : null;
        if (object == null || (!result.ok() && added.stream().anyMatch(object::has))) {
            object = new JsonObject();
        }
        object.add(added.get(0), result.ok() ? new JsonPrimitive(result.label()) : JsonNull.INSTANCE);
        object.add(added.get(1), result.ok() ? score(result.score()) : JsonNull.INSTANCE);
        object.add(added.get(2), result.ok() ? JsonNull.INSTANCE : new JsonPrimitive(result.error()));
        for (int c = 0; options.allScores() && c < labels.size(); c++) {
            object.add(added.get(3 + c), result.ok() ? score(result.scores()[c]) : JsonNull.INSTANCE);
        }
        writer.writeLine(GSON.toJson(object));
    }

    /** The score as a JSON number printed with exactly the fixed digits. */
    private JsonPrimitive score(double p) {
        return new JsonPrimitive(new BigDecimal(OutputSchema.formatScore(p, options.digits())));
    }

    /** A string or number as text; null for absent, null, arrays and objects. */
    private static String scalar(JsonElement value) {
        if (value == null || !value.isJsonPrimitive()) {
            return null;
        }
        return value.getAsString();
    }

    private static JsonObject parse(String line) {
        try {
            JsonElement json = strictParse(line);
            return json.isJsonObject() ? json.getAsJsonObject() : null;
        } catch (JsonParseException e) {
            return null;
        }
    }

    private static JsonElement strictParse(String line) {
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            reader.setStrictness(Strictness.STRICT);
            JsonElement json = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("content after the JSON value");
            }
            return json;
        } catch (IOException e) {
            throw new JsonParseException(e.getMessage(), e);
        }
    }

    private static String abbreviate(JsonElement json) {
        String text = json.toString();
        int max = 40;
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }
}
