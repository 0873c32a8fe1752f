package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.core.tokenize.TextTokens;
import dev.nlptoolkit.core.tokenize.TokenBatch;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * A Hugging Face tokenizer whose ids are reordered onto the rows of an embedding table: first the word
 * pieces of the training data and the special tokens, in id order ({@link #trainedRows()} of them),
 * then every other piece of the vocabulary, in id order. Only the first rows ever get a gradient, so
 * the trainer updates only those ({@code AdamW.Builder.optTrainedRows}: the few thousand pieces a data
 * set uses, not all 30,522 of BERT's), and a piece the training data never shows keeps its pretrained
 * row, as the words of Kim's (2014) vocabulary that only word2vec knew kept their vectors: on the TREC
 * hold-out of README.md more than half of the dev questions hold such a piece.
 *
 * <p>Saved as the checkpoint's {@code tokenizer.json} and {@value #ROWS_FILE}, the original id of
 * each row. Tables saved by earlier builds hold only the training pieces and the special tokens; with
 * them any other piece is the unknown token's row.
 */
final class TableRowTokenizer implements TextTokenizer, AutoCloseable {

    static final String ROWS_FILE = "token_rows.json";

    private final HfTokenizer tokenizer;
    /** Row r of the table holds the piece of original id pieces[r]. */
    private final long[] pieces;
    /** The row of each original id, or {@link #NO_ROW}. */
    private final long[] rowOf;
    private final long unknownRow;
    private final long padRow;
    private final int trainedRows;

    private static final long NO_ROW = -1;

    private TableRowTokenizer(HfTokenizer tokenizer, long[] pieces, int trainedRows, long unknownId) {
        this.tokenizer = tokenizer;
        this.pieces = pieces;
        this.trainedRows = trainedRows;
        this.rowOf = new long[tokenizer.vocabularySize()];
        Arrays.fill(rowOf, NO_ROW);
        for (int r = 0; r < pieces.length; r++) {
            rowOf[Math.toIntExact(pieces[r])] = r;
        }
        this.unknownRow = rowOf[Math.toIntExact(unknownId)];
        this.padRow = rowOf[Math.toIntExact(tokenizer.padId())];
    }

    /**
     * The rows for the pieces of {@code texts} (and {@code pairs}, null entries for single texts) and
     * every special token of {@code tokenizerFile}, then for the rest of its vocabulary.
     */
    static TableRowTokenizer fromTexts(HfTokenizer tokenizer, Path tokenizerFile, List<String> texts,
            List<String> pairs) throws IOException {
        Special special = Special.read(tokenizerFile);
        TreeSet<Long> ids = new TreeSet<>(special.ids());
        ids.add(tokenizer.padId());
        for (EncodedText row : EncodedText.encode(tokenizer, texts, pairs, tokenizer.padId())) {
            for (long id : row.ids()) {
                ids.add(id);
            }
        }
        long[] pieces = new long[tokenizer.vocabularySize()];
        int row = 0;
        for (long id : ids) {
            pieces[row++] = id;
        }
        for (long id = 0; id < pieces.length; id++) {
            if (!ids.contains(id)) {
                pieces[row++] = id;
            }
        }
        return new TableRowTokenizer(tokenizer, pieces, ids.size(), special.unknownId());
    }

    /** Reads {@value #ROWS_FILE} beside {@code tokenizerFile} in a saved model directory. */
    static TableRowTokenizer load(HfTokenizer tokenizer, Path tokenizerFile, Path rowsFile)
            throws IOException, CheckpointException {
        long[] pieces;
        try (Reader reader = Files.newBufferedReader(rowsFile, StandardCharsets.UTF_8)) {
            JsonArray array = JsonParser.parseReader(reader).getAsJsonArray();
            pieces = new long[array.size()];
            for (int r = 0; r < pieces.length; r++) {
                pieces[r] = array.get(r).getAsLong();
            }
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            throw new CheckpointException(rowsFile, "is not a JSON array of token ids: " + e.getMessage(), e);
        }
        for (long id : pieces) {
            if (id < 0 || id >= tokenizer.vocabularySize()) {
                throw new CheckpointException(rowsFile, "holds token id " + id + ", which " + tokenizerFile
                        + " does not have");
            }
        }
        return new TableRowTokenizer(tokenizer, pieces, pieces.length, Special.read(tokenizerFile).unknownId());
    }

    void save(Path dir) throws IOException {
        JsonArray array = new JsonArray();
        for (long id : pieces) {
            array.add(id);
        }
        AtomicFiles.writeString(dir.resolve(ROWS_FILE), array + "\n");
    }

    /**
     * The leading rows that the training texts and the special tokens use, the only ones that can get a
     * gradient; all rows for a tokenizer loaded from a model directory, which does not record them.
     */
    int trainedRows() {
        return trainedRows;
    }

    /** The original id of each row: the rows of the pretrained matrix the table starts from. */
    long[] pieces() {
        return pieces.clone();
    }

    @Override
    public TokenBatch encode(List<String> texts) {
        return toRows(tokenizer.encode(texts));
    }

    @Override
    public TokenBatch encode(List<String> texts, List<String> pairs) {
        return toRows(tokenizer.encode(texts, pairs));
    }

    private TokenBatch toRows(TokenBatch batch) {
        long[][] ids = new long[batch.inputIds().length][];
        for (int b = 0; b < ids.length; b++) {
            long[] original = batch.inputIds()[b];
            ids[b] = new long[original.length];
            for (int t = 0; t < original.length; t++) {
                long row = t < batch.lengths()[b] ? rowOf[Math.toIntExact(original[t])] : padRow;
                ids[b][t] = row == NO_ROW ? unknownRow : row;
            }
        }
        return new TokenBatch(ids, batch.attentionMask(), batch.tokenTypeIds(), batch.lengths());
    }

    @Override
    public TextTokens tokenize(String text) {
        return tokenizer.tokenize(text);
    }

    @Override
    public int vocabularySize() {
        return pieces.length;
    }

    @Override
    public long padId() {
        return padRow;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** The ids of tokenizer.json's added (special) tokens and of its model's unknown token. */
    private record Special(List<Long> ids, long unknownId) {

        static Special read(Path file) throws IOException {
            JsonObject root;
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                root = JsonParser.parseReader(reader).getAsJsonObject();
            } catch (JsonParseException | IllegalStateException e) {
                throw new IOException(file + " is not a tokenizer.json: " + e.getMessage(), e);
            }
            List<Long> ids = new ArrayList<>();
            JsonElement added = root.get("added_tokens");
            if (added != null && added.isJsonArray()) {
                added.getAsJsonArray().forEach(t -> ids.add(t.getAsJsonObject().get("id").getAsLong()));
            }
            JsonObject model = root.getAsJsonObject("model");
            JsonElement unk = model == null ? null : model.get("unk_token");
            JsonElement vocab = model == null ? null : model.get("vocab");
            if (unk == null || unk.isJsonNull() || vocab == null || !vocab.isJsonObject()
                    || !vocab.getAsJsonObject().has(unk.getAsString())) {
                throw new IOException(file + " names no unknown token in its vocabulary (model.unk_token):"
                        + " the tables of earlier builds map every piece their training data never showed to it");
            }
            long unknownId = vocab.getAsJsonObject().get(unk.getAsString()).getAsLong();
            ids.add(unknownId);
            return new Special(ids, unknownId);
        }
    }
}
