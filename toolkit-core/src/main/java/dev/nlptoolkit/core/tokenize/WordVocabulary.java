package dev.nlptoolkit.core.tokenize;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A word-level vocabulary counted from training text, for models trained from scratch.
 *
 * <p>Ids are deterministic: the reserved tokens come first ({@code [PAD]} = 0, {@code [UNK]} = 1,
 * then the extra reserved tokens in the order given), then the counted words by descending
 * frequency, ties broken by {@link String#compareTo} order. Words below the minimum frequency are
 * dropped, and the list is cut at the maximum size (reserved tokens included).
 *
 * <p>Saved as UTF-8 JSON: {@code {"format": "word-vocabulary", "version": 1, "lower_case": bool,
 * "pad": "[PAD]", "unk": "[UNK]", "tokens": [... every token in id order ...]}}.
 */
public final class WordVocabulary {

    /** The default pad token, id 0. */
    public static final String DEFAULT_PAD = "[PAD]";
    /** The default unknown-word token, id 1. */
    public static final String DEFAULT_UNK = "[UNK]";

    private static final String FORMAT = "word-vocabulary";
    private static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final WordSplitter splitter;
    private final int unkId;

    private WordVocabulary(List<String> tokens, WordSplitter splitter, String unk) {
        this.tokens = List.copyOf(tokens);
        this.splitter = splitter;
        this.ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.putIfAbsent(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + tokens.get(i) + "' appears twice in the vocabulary");
            }
        }
        this.unkId = id(unk);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The number of tokens, reserved ones included. */
    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, or the id of the unknown-word token when it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, unkId);
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token with this id. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** Every token in id order. */
    public List<String> tokens() {
        return tokens;
    }

    public int padId() {
        return 0;
    }

    public int unkId() {
        return unkId;
    }

    /** The splitter the words were counted with, to be used on new text too. */
    public WordSplitter splitter() {
        return splitter;
    }

    /** Writes the vocabulary to {@code file} atomically. */
    public void save(Path file) throws IOException {
        Stored stored = new Stored(FORMAT, VERSION, splitter.lowerCase(), tokens.get(0), tokens.get(unkId), tokens);
        AtomicFiles.writeString(file, GSON.toJson(stored) + "\n");
    }

    /**
     * Reads a vocabulary written by {@link #save(Path)}.
     *
     * @throws IOException naming the file if it cannot be read or is not such a vocabulary
     */
    public static WordVocabulary load(Path file) throws IOException {
        Stored stored;
        try {
            stored = GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), Stored.class);
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a word vocabulary: " + e.getMessage(), e);
        }
        if (stored == null || !FORMAT.equals(stored.format) || stored.tokens == null || stored.tokens.size() < 2
                || stored.tokens.contains(null) || stored.pad == null || stored.unk == null) {
            throw new IOException(file + " is not a word vocabulary (expected \"format\": \"" + FORMAT + "\" and a token list)");
        }
        if (stored.version != VERSION) {
            throw new IOException(file + " has vocabulary version " + stored.version + "; this build reads version " + VERSION);
        }
        if (!stored.tokens.get(0).equals(stored.pad) || !stored.tokens.contains(stored.unk)) {
            throw new IOException(file + ": the pad token must have id 0 and the unknown token must be in the list");
        }
        try {
            return new WordVocabulary(stored.tokens, new WordSplitter(stored.lowerCase), stored.unk);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The JSON layout of a saved vocabulary. */
    private record Stored(
            String format,
            int version,
            @SerializedName("lower_case") boolean lowerCase,
            String pad,
            String unk,
            List<String> tokens) {}

    /** Counts words and builds a {@link WordVocabulary}. */
    public static final class Builder {

        private int minFrequency = 1;
        private int maxSize = Integer.MAX_VALUE;
        private boolean lowerCase = true;
        private String pad = DEFAULT_PAD;
        private String unk = DEFAULT_UNK;
        private List<String> extraTokens = List.of();

        private Builder() {}

        /** Words seen fewer times are left out. Default 1. */
        public Builder optMinFrequency(int minFrequency) {
            this.minFrequency = minFrequency;
            return this;
        }

        /** The most tokens the vocabulary holds, reserved tokens included. Default unlimited. */
        public Builder optMaxSize(int maxSize) {
            this.maxSize = maxSize;
            return this;
        }

        /** Whether the splitter lower-cases text. Default true. */
        public Builder optLowerCase(boolean lowerCase) {
            this.lowerCase = lowerCase;
            return this;
        }

        /** The pad (id 0) and unknown-word (id 1) tokens. Default {@code [PAD]}, {@code [UNK]}. */
        public Builder optPadAndUnk(String pad, String unk) {
            this.pad = pad;
            this.unk = unk;
            return this;
        }

        /**
         * Reserved tokens after pad and unk, in this order (e.g. {@code [CLS]}, {@code [SEP]}, or
         * {@code <s>}, {@code </s>} for translation). Default none.
         */
        public Builder optExtraTokens(List<String> extraTokens) {
            this.extraTokens = List.copyOf(extraTokens);
            return this;
        }

        /** Counts the words of {@code texts} and builds the vocabulary. */
        public WordVocabulary build(Iterable<String> texts) {
            if (minFrequency < 1) {
                throw new IllegalArgumentException("minFrequency must be at least 1, got " + minFrequency);
            }
            Set<String> reserved = new LinkedHashSet<>();
            reserved.add(pad);
            reserved.add(unk);
            reserved.addAll(extraTokens);
            if (reserved.size() != 2 + extraTokens.size()) {
                throw new IllegalArgumentException("reserved tokens must be distinct, got " + pad + ", " + unk + ", " + extraTokens);
            }
            if (maxSize < reserved.size()) {
                throw new IllegalArgumentException("maxSize " + maxSize + " leaves no room for the " + reserved.size()
                        + " reserved tokens; raise it");
            }
            WordSplitter splitter = new WordSplitter(lowerCase);
            Map<String, Integer> counts = new HashMap<>();
            for (String text : texts) {
                for (String word : splitter.split(text)) {
                    counts.merge(word, 1, Integer::sum);
                }
            }
            List<Map.Entry<String, Integer>> kept = new ArrayList<>();
            for (Map.Entry<String, Integer> entry : counts.entrySet()) {
                if (entry.getValue() >= minFrequency && !reserved.contains(entry.getKey())) {
                    kept.add(entry);
                }
            }
            kept.sort(Map.Entry.<String, Integer>comparingByValue(Collections.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())));
            List<String> tokens = new ArrayList<>(reserved);
            for (Map.Entry<String, Integer> entry : kept) {
                if (tokens.size() >= maxSize) {
                    break;
                }
                tokens.add(entry.getKey());
            }
            return new WordVocabulary(tokens, splitter, unk);
        }
    }
}
