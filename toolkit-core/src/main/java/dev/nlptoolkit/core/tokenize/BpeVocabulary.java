package dev.nlptoolkit.core.tokenize;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A learned BPE vocabulary (tokens in id order and merges in rank order), written as a Hugging Face
 * {@code tokenizer.json} that {@link SubwordTokenizer}, DJL's {@code HuggingFaceTokenizer} and
 * Python's {@code tokenizers.Tokenizer.from_file} all load.
 *
 * <p>The file holds a BPE model ({@code unk_token} {@value #UNK}, {@code fuse_unk} false, so each
 * unseen character becomes one {@value #UNK}), a {@code Metaspace} pre-tokenizer and decoder
 * ({@code prepend_scheme} {@code "always"}, {@code split} true, fields the tokenizers 0.21 crate
 * inside DJL 0.36 reads), no normalizer and no post-processor: encoding adds no {@value #BOS} or
 * {@value #EOS}, the caller places them. The special tokens have fixed ids:
 * {@value #PAD} {@value #PAD_ID}, {@value #UNK} {@value #UNK_ID}, {@value #BOS} {@value #BOS_ID},
 * {@value #EOS} {@value #EOS_ID}. The layout is the one {@code tokenizers} 0.23 saves, key for key.
 */
public final class BpeVocabulary {

    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";
    public static final String BOS = "<s>";
    public static final String EOS = "</s>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;
    public static final int BOS_ID = 2;
    public static final int EOS_ID = 3;
    /** The special tokens, in id order. */
    public static final List<String> SPECIAL_TOKENS = List.of(PAD, UNK, BOS, EOS);

    private static final String FORMAT_VERSION = "1.0";

    /** One merge rule: the adjacent symbols {@code left right} become {@code left + right}. */
    public record Merge(String left, String right) {

        /** The merged symbol. */
        public String result() {
            return left + right;
        }
    }

    private final List<String> tokens;
    private final List<Merge> merges;
    private final Map<String, Integer> ids;

    BpeVocabulary(List<String> tokens, List<Merge> merges) {
        this.tokens = List.copyOf(tokens);
        this.merges = List.copyOf(merges);
        if (!this.tokens.subList(0, SPECIAL_TOKENS.size()).equals(SPECIAL_TOKENS)) {
            throw new IllegalArgumentException("the vocabulary must start with " + SPECIAL_TOKENS);
        }
        this.ids = new HashMap<>();
        for (int i = 0; i < this.tokens.size(); i++) {
            if (ids.putIfAbsent(this.tokens.get(i), i) != null) {
                throw new IllegalArgumentException("token '" + this.tokens.get(i) + "' appears twice");
            }
        }
        for (Merge merge : this.merges) {
            if (!ids.containsKey(merge.left()) || !ids.containsKey(merge.right()) || !ids.containsKey(merge.result())) {
                throw new IllegalArgumentException("merge " + merge + " uses a token that is not in the vocabulary");
            }
        }
    }

    /** The number of tokens, special tokens included: the rows an embedding table needs. */
    public int size() {
        return tokens.size();
    }

    /** The tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    /** The merges in rank order (first applied first). */
    public List<Merge> merges() {
        return merges;
    }

    /** The id of {@code token}, or -1 when it is not in the vocabulary. */
    public int id(String token) {
        return ids.getOrDefault(token, -1);
    }

    /** The {@code tokenizer.json} tree. */
    public JsonObject toTokenizerJson() {
        JsonObject root = new JsonObject();
        root.addProperty("version", FORMAT_VERSION);
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        JsonArray added = new JsonArray();
        for (String special : SPECIAL_TOKENS) {
            JsonObject token = new JsonObject();
            token.addProperty("id", ids.get(special));
            token.addProperty("content", special);
            token.addProperty("single_word", false);
            token.addProperty("lstrip", false);
            token.addProperty("rstrip", false);
            token.addProperty("normalized", false);
            token.addProperty("special", true);
            added.add(token);
        }
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", metaspace());
        root.add("post_processor", JsonNull.INSTANCE);
        root.add("decoder", metaspace());
        root.add("model", model());
        return root;
    }

    /** Writes {@link #toTokenizerJson()} to {@code file} (atomically), or into it when it is a directory. */
    public Path write(Path file) throws IOException {
        Path target = Files.isDirectory(file) ? file.resolve(HfTokenizer.TOKENIZER_FILE) : file;
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(toTokenizerJson());
        AtomicFiles.writeString(target, json + "\n");
        return target;
    }

    private static JsonObject metaspace() {
        JsonObject metaspace = new JsonObject();
        metaspace.addProperty("type", "Metaspace");
        metaspace.addProperty("replacement", Metaspace.REPLACEMENT);
        metaspace.addProperty("prepend_scheme", Metaspace.PREPEND_SCHEME);
        metaspace.addProperty("split", true);
        return metaspace;
    }

    private JsonObject model() {
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.addProperty("unk_token", UNK);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.addProperty("ignore_merges", false);
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < tokens.size(); i++) {
            vocab.addProperty(tokens.get(i), i);
        }
        model.add("vocab", vocab);
        JsonArray mergeArray = new JsonArray();
        for (Merge merge : merges) {
            JsonArray pair = new JsonArray();
            pair.add(merge.left());
            pair.add(merge.right());
            mergeArray.add(pair);
        }
        model.add("merges", mergeArray);
        return model;
    }
}
