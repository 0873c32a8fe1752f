package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.models.bert.BertCheckpoint;
import dev.nlptoolkit.models.bert.BertConfig;
import dev.nlptoolkit.models.bert.BertForSequenceClassification;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.weights.WeightMismatchException;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * A Hugging Face {@code BertForSequenceClassification} with its {@code tokenizer.json}. Saved as
 * transformers saves it, labels in config.json, so {@code from_pretrained} loads it with its labels.
 * The token limit it trained at is saved as {@code model_max_length} in {@value #TOKENIZER_CONFIG_FILE},
 * where transformers' tokenizers read it too, so that scoring truncates as training did.
 */
final class BertNetwork implements ClassifierNetwork {

    /** Tokenizer files copied from the checkpoint so transformers' AutoTokenizer loads the saved directory. */
    static final List<String> TOKENIZER_FILES =
            List.of(HfTokenizer.TOKENIZER_FILE, "tokenizer_config.json", "special_tokens_map.json", "vocab.txt");

    static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
    static final String MODEL_MAX_LENGTH_KEY = "model_max_length";

    /**
     * BERT checkpoints are pre-trained on at most this many positions, whatever the table holds: the
     * limit of a directory whose tokenizer config does not say (transformers writes 1e30 then).
     */
    private static final int MAX_PRETRAINED_LENGTH = 512;

    private final BertForSequenceClassification model;
    private final HfTokenizer tokenizer;
    private final LabelMap labels;
    private final Path tokenizerSource;
    private final int maxLength;

    private BertNetwork(
            BertForSequenceClassification model, HfTokenizer tokenizer, Path tokenizerSource, int maxLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.labels = new LabelMap(model.getConfig().labels());
        this.tokenizerSource = tokenizerSource;
    }

    /**
     * A classifier for {@code labels} initialised from the checkpoint {@code initDir}: its head is kept
     * when it is for exactly these labels, else a fresh one is drawn.
     */
    static BertNetwork fromInit(Path initDir, LabelMap labels, int maxLength, NDManager manager)
            throws IOException, CheckpointException {
        BertConfig initConfig = BertConfig.read(initDir.resolve(BertCheckpoint.CONFIG_FILE));
        BertCheckpoint.Head head = initConfig.labels().equals(labels.labels())
                ? BertCheckpoint.Head.LOAD_OR_INITIALISE : BertCheckpoint.Head.REINITIALISE;
        BertForSequenceClassification model;
        try {
            model = BertCheckpoint.loadClassifier(initDir, manager, labels.labels(), head);
        } catch (WeightMismatchException e) {
            throw new CheckpointException(initDir, e.getMessage(), e);
        }
        int length = Math.min(maxLength, model.getConfig().maxPositionEmbeddings());
        return new BertNetwork(model, tokenizer(initDir, length), initDir, length);
    }

    /**
     * A saved classifier, labels from its config.json, token limit from its tokenizer config (else
     * {@value #MAX_PRETRAINED_LENGTH}), never above the position table.
     */
    static BertNetwork load(Path dir, NDManager manager) throws IOException, CheckpointException {
        BertForSequenceClassification model;
        try {
            model = BertCheckpoint.loadClassifier(dir, manager);
        } catch (WeightMismatchException e) {
            throw new CheckpointException(dir, e.getMessage(), e);
        }
        int length = Math.min(savedMaxLength(dir), model.getConfig().maxPositionEmbeddings());
        return new BertNetwork(model, tokenizer(dir, length), dir, length);
    }

    /** {@code model_max_length} of the directory's tokenizer config when it holds a real limit. */
    private static int savedMaxLength(Path dir) throws IOException, CheckpointException {
        Path file = dir.resolve(TOKENIZER_CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            return MAX_PRETRAINED_LENGTH;
        }
        JsonObject config = JsonFiles.readObject(file);
        JsonElement value = config.get(MODEL_MAX_LENGTH_KEY);
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            return MAX_PRETRAINED_LENGTH;
        }
        double limit = value.getAsDouble();
        if (limit < 1) {
            throw new CheckpointException(file, MODEL_MAX_LENGTH_KEY + " must be at least 1, got " + value);
        }
        // transformers writes int(1e30) for "no limit known".
        return limit > Integer.MAX_VALUE ? MAX_PRETRAINED_LENGTH : (int) limit;
    }

    private static HfTokenizer tokenizer(Path dir, int maxLength) throws IOException, CheckpointException {
        Path file = dir.resolve(HfTokenizer.TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "is missing; a BERT directory needs the tokenizer.json that"
                    + " transformers' tokenizer.save_pretrained writes");
        }
        return HfTokenizer.builder().setPath(file).optMaxLength(maxLength).build();
    }

    @Override
    public ModelKind kind() {
        return ModelKind.BERT;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    @Override
    public TextClassifier model() {
        return model;
    }

    BertForSequenceClassification bert() {
        return model;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    /** Never needed in practice: the tokenizer adds [CLS] and [SEP] to every text. */
    @Override
    public long emptyTextId() {
        return tokenizer.padId();
    }

    @Override
    public LabelMap labels() {
        return labels;
    }

    @Override
    public void save(Path dir) throws IOException {
        BertCheckpoint.save(model, dir);
        if (!Files.isSameFile(dir, tokenizerSource)) {
            for (String name : TOKENIZER_FILES) {
                Path source = tokenizerSource.resolve(name);
                if (Files.isRegularFile(source)) {
                    Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path tokenizerConfig = dir.resolve(TOKENIZER_CONFIG_FILE);
        JsonObject config;
        try {
            config = Files.isRegularFile(tokenizerConfig) ? JsonFiles.readObject(tokenizerConfig) : new JsonObject();
        } catch (CheckpointException e) {
            throw new IOException(e.getMessage(), e);
        }
        config.addProperty(MODEL_MAX_LENGTH_KEY, maxLength);
        JsonFiles.writeObject(tokenizerConfig, config);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
