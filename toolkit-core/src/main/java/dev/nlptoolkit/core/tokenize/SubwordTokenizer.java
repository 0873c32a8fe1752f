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
    private final int vocabularySize;

    private SubwordTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
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
            throw new IOException("no tokenizer file at " + file + ": pass a tokenizer.json or a model directory holding one");
        }
        int vocabularySize = readVocabularySize(file);
        // Explicit options, so that no padding, truncation or post-processing stored in the file applies.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "padding", "false", "truncation", "false");
        HuggingFaceTokenizer tokenizer;
        try (InputStream in = Files.newInputStream(file)) {
            tokenizer = HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            throw new IOException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
        return new SubwordTokenizer(tokenizer, vocabularySize);
    }

    /** The size of the file's BPE vocabulary, after checking that the special tokens have their ids. */
    private static int readVocabularySize(Path file) throws IOException {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(reader);
        } catch (JsonParseException e) {
            throw new IOException(file + " is not a tokenizer.json: " + e.getMessage(), e);
        }
        JsonElement model = root.isJsonObject() ? root.getAsJsonObject().get("model") : null;
        if (model == null || !model.isJsonObject() || !new JsonPrimitive("BPE").equals(model.getAsJsonObject().get("type"))
                || !(model.getAsJsonObject().get("vocab") instanceof JsonObject)) {
            throw new IOException(file + " holds no BPE model with a vocab: write it with BpeVocabulary.write");
        }
        JsonObject vocab = model.getAsJsonObject().getAsJsonObject("vocab");
        for (int id = 0; id < BpeVocabulary.SPECIAL_TOKENS.size(); id++) {
            String special = BpeVocabulary.SPECIAL_TOKENS.get(id);
            if (!new JsonPrimitive(id).equals(vocab.get(special))) {
                throw new IOException(file + ": special token " + special + " must have id " + id + " but has "
                        + vocab.get(special) + "; write the file with BpeVocabulary.write");
            }
        }
        return vocab.size();
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
            if (id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException("id " + id + " is outside the vocabulary of " + vocabularySize);
            }
        }
        return tokenizer.decode(kept, false);
    }

    /** The number of ids, special tokens included: the rows an embedding table needs. */
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
