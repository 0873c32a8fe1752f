package dev.nlptoolkit.core.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Encodes text into the subwords of a {@link BpeVocabulary} {@code tokenizer.json} and decodes ids
 * back into text, through DJL's Hugging Face tokenizers (the Rust library, batches in parallel).
 *
 * <p>{@code decode(encode(s).ids()) == s} for every text made of characters seen in training that
 * does not start with a space (the {@code Metaspace} decoder drops leading spaces). Characters never
 * seen in training become {@code <unk>}, are counted in {@link SubwordEncoding#unknownCount()} and
 * decode as the text {@code <unk>}: never dropped silently.
 */
public final class SubwordTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final List<String> tokens;

    private SubwordTokenizer(HuggingFaceTokenizer tokenizer, List<String> tokens) {
        this.tokenizer = tokenizer;
        this.tokens = tokens;
    }

    /**
     * Loads a {@code tokenizer.json} written by {@link BpeVocabulary#write}, or the one inside a
     * model directory.
     *
     * @throws IOException if the file cannot be read, is not a tokenizer.json, or does not give the
     *     special tokens their fixed ids
     */
    public static SubwordTokenizer load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(HfTokenizer.TOKENIZER_FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IOException("no tokenizer file at " + file
                    + ": pass a tokenizer.json or a model directory holding one");
        }
        List<String> tokens = readTokens(file);
        // Explicit options, so that no padding, truncation or post-processing stored in the file applies.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false");
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(file)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            throw new IOException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new SubwordTokenizer(tokenizer, tokens);
    }

    /** The file's BPE vocabulary in id order, after checking that the special tokens have their ids. */
    private static List<String> readTokens(Path file) throws IOException {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a tokenizer.json: " + e.getMessage(), e);
        }
        JsonElement model = root.isJsonObject() ? root.getAsJsonObject().get("model") : null;
        if (!(model instanceof JsonObject bpe) || !new JsonPrimitive("BPE").equals(bpe.get("type"))
                || !(bpe.get("vocab") instanceof JsonObject)) {
            throw new IOException(file + " holds no BPE model with a vocab: write it with BpeVocabulary.write");
        }
        JsonObject vocab = bpe.getAsJsonObject("vocab");
        for (int id = 0; id < BpeVocabulary.SPECIAL_TOKENS.size(); id++) {
            String special = BpeVocabulary.SPECIAL_TOKENS.get(id);
            if (!new JsonPrimitive(id).equals(vocab.get(special))) {
                throw new IOException(file + ": special token " + special + " must have id " + id + " but has "
                        + vocab.get(special) + "; write the file with BpeVocabulary.write");
            }
        }
        String[] tokens = new String[vocab.size()];
        for (Map.Entry<String, JsonElement> entry : vocab.entrySet()) {
            int id = entry.getValue().getAsInt();
            if (id < 0 || id >= tokens.length || tokens[id] != null) {
                throw new IOException(file + ": the ids of model.vocab must be 0 to " + (tokens.length - 1)
                        + ", each once, but '" + entry.getKey() + "' has " + id);
            }
            tokens[id] = entry.getKey();
        }
        return List.of(tokens);
    }

    /** The subwords of {@code text}. */
    public SubwordEncoding encode(String text) {
        return toSubwords(tokenizer.encode(text));
    }

    /** The subwords of each text, encoded in parallel. */
    public List<SubwordEncoding> encode(List<String> texts) {
        List<SubwordEncoding> encoded = new ArrayList<>(texts.size());
        if (texts.isEmpty()) {
            return encoded;
        }
        for (Encoding encoding : tokenizer.batchEncode(texts)) {
            encoded.add(toSubwords(encoding));
        }
        return encoded;
    }

    private static SubwordEncoding toSubwords(Encoding encoding) {
        long[] ids = encoding.getIds();
        int unknown = 0;
        for (long id : ids) {
            if (id == BpeVocabulary.UNK_ID) {
                unknown++;
            }
        }
        return new SubwordEncoding(ids, Arrays.asList(encoding.getTokens()), unknown);
    }

    /**
     * The text of {@code ids}: {@code <pad>}, {@code <s>} and {@code </s>} are left out, {@code <unk>}
     * is kept as that text.
     */
    public String decode(long[] ids) {
        long[] kept = Arrays.stream(ids)
                .filter(id -> id != BpeVocabulary.PAD_ID && id != BpeVocabulary.BOS_ID && id != BpeVocabulary.EOS_ID)
                .toArray();
        for (long id : kept) {
            checkId(id);
        }
        return tokenizer.decode(kept, false);
    }

    /** The token strings of {@code ids}, special tokens included (e.g. to label attention weights). */
    public List<String> tokens(long[] ids) {
        List<String> strings = new ArrayList<>(ids.length);
        for (long id : ids) {
            checkId(id);
            strings.add(tokens.get((int) id));
        }
        return strings;
    }

    private void checkId(long id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + tokens.size());
        }
    }

    /** The number of ids, special tokens included: the rows an embedding table needs. */
    public int vocabularySize() {
        return tokens.size();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
