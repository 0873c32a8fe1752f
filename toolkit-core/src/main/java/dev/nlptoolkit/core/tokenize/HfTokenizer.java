package dev.nlptoolkit.core.tokenize;

import dev.nlptoolkit.core.UserInputException;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.util.PairList;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face fast tokenizer ({@code tokenizer.json}) that gives exactly the ids of
 * {@code AutoTokenizer(...)(texts, padding=True, truncation=True, max_length=L)} in Python.
 *
 * <p>Only {@code tokenizer.json} is read: {@code tokenizer_config.json} is ignored because DJL would
 * apply some of its settings (accent stripping, lower-casing) in Java on top of the normalizer that
 * {@code tokenizer.json} already describes, which Python does not. The padding and truncation
 * settings stored in {@code tokenizer.json} are replaced by this class's own: no truncation unless
 * {@link Builder#optMaxLength(int)} is given (then longest-first, counting special tokens, as in
 * Python), and padding on the right to the longest row of each batch, done here with
 * {@link #padId()}.
 *
 * <p>Nothing is downloaded: the file is read from disk. DJL's usage ping is skipped when the
 * system property {@code offline} is {@code true} (tests set it; applications should too).
 */
public final class HfTokenizer implements TextTokenizer, AutoCloseable {

    /** The file name Hugging Face gives a fast tokenizer inside a model directory. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** The pad token used when {@code tokenizer.json} does not name one. */
    public static final String DEFAULT_PAD_TOKEN = "[PAD]";

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabularySize;
    private final long padId;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, long padId) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.padId = padId;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TokenBatch encode(List<String> texts) {
        return toBatch(tokenizer.batchEncode(texts));
    }

    @Override
    public TokenBatch encode(List<String> texts, List<String> pairs) {
        if (texts.size() != pairs.size()) {
            throw new IllegalArgumentException("got " + texts.size() + " texts but " + pairs.size() + " pairs");
        }
        // DJL encodes a batch either all as pairs or all as single texts: encode the two groups
        // separately and put the rows back in input order.
        List<Integer> singleRows = new ArrayList<>();
        List<String> singles = new ArrayList<>();
        List<Integer> pairRows = new ArrayList<>();
        PairList<String, String> pairList = new PairList<>();
        for (int i = 0; i < texts.size(); i++) {
            if (pairs.get(i) == null) {
                singleRows.add(i);
                singles.add(texts.get(i));
            } else {
                pairRows.add(i);
                pairList.add(texts.get(i), pairs.get(i));
            }
        }
        Encoding[] encodings = new Encoding[texts.size()];
        scatter(singles.isEmpty() ? new Encoding[0] : tokenizer.batchEncode(singles), singleRows, encodings);
        scatter(pairList.isEmpty() ? new Encoding[0] : tokenizer.batchEncode(pairList), pairRows, encodings);
        return toBatch(encodings);
    }

    private static void scatter(Encoding[] encoded, List<Integer> rows, Encoding[] into) {
        for (int i = 0; i < encoded.length; i++) {
            into[rows.get(i)] = encoded[i];
        }
    }

    private TokenBatch toBatch(Encoding[] encodings) {
        List<long[]> ids = new ArrayList<>(encodings.length);
        List<long[]> types = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            ids.add(encoding.getIds());
            types.add(encoding.getTypeIds());
        }
        return TokenBatch.pad(ids, types, padId);
    }

    @Override
    public TextTokens tokenize(String text) {
        Encoding encoding = tokenizer.encode(text);
        long[] mask = encoding.getSpecialTokenMask();
        boolean[] special = new boolean[mask.length];
        for (int t = 0; t < mask.length; t++) {
            special[t] = mask[t] != 0;
        }
        return new TextTokens(Arrays.asList(encoding.getTokens()), special);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public long padId() {
        return padId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** Builds an {@link HfTokenizer}; only the path is required. */
    public static final class Builder {

        private Path path;
        private int maxLength;
        private boolean addSpecialTokens = true;
        private String padToken;

        private Builder() {}

        /** The {@code tokenizer.json} file, or a model directory that contains one. */
        public Builder setPath(Path path) {
            this.path = path;
            return this;
        }

        /**
         * Truncates every row to at most {@code maxLength} tokens, special tokens included; pairs
         * lose tokens from the longer text first. Default: no truncation.
         */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        /** Whether to add the special tokens of the post-processor ([CLS], [SEP]). Default true. */
        public Builder optAddSpecialTokens(boolean addSpecialTokens) {
            this.addSpecialTokens = addSpecialTokens;
            return this;
        }

        /**
         * The token whose id pads rows. Default: the one {@code tokenizer.json} names in its padding
         * section, else {@value #DEFAULT_PAD_TOKEN}.
         */
        public Builder optPadToken(String padToken) {
            this.padToken = padToken;
            return this;
        }

        /**
         * Loads the tokenizer.
         *
         * @throws IOException if the file cannot be read or is not a tokenizer.json
         */
        public HfTokenizer build() throws IOException {
            if (path == null) {
                throw new IllegalArgumentException("setPath(...) is required: a tokenizer.json or a directory holding one");
            }
            if (maxLength < 0) {
                throw new UserInputException("maxLength must be positive (or left unset for no truncation), got " + maxLength);
            }
            Path file = Files.isDirectory(path) ? path.resolve(TOKENIZER_FILE) : path;
            if (!Files.isRegularFile(file)) {
                throw new IOException("no tokenizer file at " + file + ": pass a tokenizer.json or a model directory holding one");
            }
            VocabularyInfo info = VocabularyInfo.read(file, padToken);
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", Boolean.toString(addSpecialTokens));
            // Explicit values so the settings stored in tokenizer.json never apply.
            options.put("padding", "false");
            if (maxLength > 0) {
                options.put("truncation", "true");
                options.put("maxLength", Integer.toString(maxLength));
                // DJL otherwise lowers maxLength to its default model maximum (512).
                options.put("modelMaxLength", Integer.toString(maxLength));
            } else {
                options.put("truncation", "false");
            }
            HuggingFaceTokenizer tokenizer;
            try (InputStream in = Files.newInputStream(file)) {
                tokenizer = HuggingFaceTokenizer.newInstance(in, options);
            } catch (RuntimeException e) {
                throw new IOException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
            }
            return new HfTokenizer(tokenizer, info.size, info.padId);
        }
    }

    /** What this class needs from tokenizer.json besides what DJL exposes. */
    private record VocabularyInfo(int size, long padId) {

        /**
         * Reads and checks {@code file} in Java before the native loader sees it: strict JSON (nesting
         * bounded by Gson's limit), a model vocabulary of token to non-negative int id (or Unigram
         * pairs), added tokens with content and id, and the pad token. The Rust loader aborts the
         * process on a panic, so only a file that passed here reaches it.
         */
        static VocabularyInfo read(Path file, String requestedPadToken) throws IOException {
            try {
                return check(file, requestedPadToken);
            } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ClassCastException
                    | NullPointerException | IndexOutOfBoundsException | ArithmeticException e) {
                // Gson's accessors on values of the wrong type, and ids past int.
                throw new IOException(file + " is not a tokenizer.json: " + e.getMessage(), e);
            }
        }

        private static VocabularyInfo check(Path file, String requestedPadToken) throws IOException {
            JsonObject root;
            try (JsonReader reader = new JsonReader(Files.newBufferedReader(file, StandardCharsets.UTF_8))) {
                reader.setStrictness(Strictness.STRICT);
                root = JsonParser.parseReader(reader).getAsJsonObject();
                if (reader.peek() != JsonToken.END_DOCUMENT) {
                    throw new IOException(file + " is not a tokenizer.json: content after the top-level object");
                }
            }
            Map<String, Long> ids = new HashMap<>();
            JsonObject model = root.getAsJsonObject("model");
            if (model == null || model.get("vocab") == null) {
                throw new IOException(file + " has no model.vocab: not a tokenizer.json");
            }
            JsonElement vocab = model.get("vocab");
            if (vocab.isJsonObject()) {
                // WordPiece, BPE, WordLevel: token -> id.
                vocab.getAsJsonObject().entrySet().forEach(e -> ids.put(e.getKey(), e.getValue().getAsLong()));
            } else {
                // Unigram: [token, score] pairs, the id is the position.
                long id = 0;
                for (JsonElement entry : vocab.getAsJsonArray()) {
                    ids.put(entry.getAsJsonArray().get(0).getAsString(), id++);
                }
            }
            if (root.get("added_tokens") != null && root.get("added_tokens").isJsonArray()) {
                for (JsonElement added : root.getAsJsonArray("added_tokens")) {
                    JsonObject token = added.getAsJsonObject();
                    ids.put(token.get("content").getAsString(), token.get("id").getAsLong());
                }
            }
            for (Map.Entry<String, Long> e : ids.entrySet()) {
                if (e.getValue() < 0 || e.getValue() > Integer.MAX_VALUE) {
                    throw new IOException(file + ": token '" + e.getKey() + "' has id " + e.getValue()
                            + ", outside 0.." + Integer.MAX_VALUE);
                }
            }
            long maxId = ids.values().stream().mapToLong(Long::longValue).max().orElse(-1);
            String padToken = requestedPadToken;
            if (padToken == null) {
                JsonElement padding = root.get("padding");
                padToken = padding != null && padding.isJsonObject()
                        ? padding.getAsJsonObject().get("pad_token").getAsString()
                        : DEFAULT_PAD_TOKEN;
            }
            Long padId = ids.get(padToken);
            if (padId == null) {
                throw new IOException(file + " has no token '" + padToken + "' to pad with: name the pad token with optPadToken(...)");
            }
            return new VocabularyInfo(Math.toIntExact(maxId + 1), padId);
        }
    }
}
