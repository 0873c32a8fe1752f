package dev.nlptoolkit.core.checkpoint;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes the small JSON files of a model directory, naming the file in every error. */
public final class JsonFiles {

    private JsonFiles() {}

    /** Parses {@code file} as strict JSON (no comments, no trailing content) holding one object. */
    public static JsonObject readObject(Path file) throws CheckpointException {
        String text;
        try {
            text = Files.readString(file);
        } catch (MalformedInputException e) {
            throw new CheckpointException(file, "is not valid UTF-8", e);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        }
        JsonElement root;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setStrictness(Strictness.STRICT);
            root = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new CheckpointException(file, "is not valid JSON: content after the top-level value");
            }
        } catch (JsonParseException | IOException e) {
            throw new CheckpointException(file, "is not valid JSON: " + e.getMessage(), e);
        }
        if (!root.isJsonObject()) {
            throw new CheckpointException(file, "must hold a JSON object, not " + root);
        }
        return root.getAsJsonObject();
    }

    /**
     * Writes {@code object} atomically, indented by two spaces as transformers writes its JSON; nulls
     * are kept, since a config key set to null (e.g. {@code bos_token_id}) differs from an absent one.
     */
    public static void writeObject(Path file, JsonObject object) throws IOException {
        String json = new GsonBuilder()
                .setPrettyPrinting()
                .disableHtmlEscaping()
                .serializeNulls()
                .create()
                .toJson(object);
        AtomicFiles.writeString(file, json + "\n");
    }
}
