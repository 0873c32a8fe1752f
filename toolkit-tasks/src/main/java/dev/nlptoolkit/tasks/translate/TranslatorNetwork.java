package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.tokenize.SubwordTokenizer;
import dev.nlptoolkit.models.seq2seq.Seq2SeqConfig;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModels;
import dev.nlptoolkit.models.weights.BlockDirectory;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A translation model with its subword tokenizer and maximum length: what training, translation and
 * evaluation share, and how it is written as a model directory.
 *
 * <p>Saved as {@code config.json} ({@value #MODEL_TYPE}, format {@value #FORMAT_VERSION}: the
 * {@code architecture}, the model's own config under {@code model}, and {@code max_length}),
 * {@code model.safetensors} (parameters by dotted name) and {@code tokenizer.json} (the joint BPE
 * vocabulary, loadable by Hugging Face {@code tokenizers}).
 */
final class TranslatorNetwork implements AutoCloseable {

    static final String MODEL_TYPE = "nlptoolkit-translator";
    static final int FORMAT_VERSION = 1;
    static final String TOKENIZER_FILE = ModelDirectory.TOKENIZER_FILE;

    private static final String ARCHITECTURE_KEY = "architecture";
    private static final String MODEL_KEY = "model";
    private static final String MAX_LENGTH_KEY = "max_length";

    private final Seq2SeqModel model;
    private final SubwordTokenizer tokenizer;
    private final Path tokenizerFile;
    private final int maxLength;

    private TranslatorNetwork(Seq2SeqModel model, SubwordTokenizer tokenizer, Path tokenizerFile, int maxLength) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.tokenizerFile = tokenizerFile;
        this.maxLength = maxLength;
    }

    /** A freshly initialised model (engine seed set by the caller) with the tokenizer of {@code tokenizerFile}. */
    static TranslatorNetwork create(Seq2SeqConfig config, Path tokenizerFile, int maxLength, NDManager manager)
            throws IOException {
        SubwordTokenizer tokenizer = SubwordTokenizer.load(tokenizerFile);
        try {
            return new TranslatorNetwork(Seq2SeqModels.createInitialized(config, manager), tokenizer, tokenizerFile,
                    maxLength);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Loads a model directory written by {@link #save}. */
    static TranslatorNetwork load(Path dir, NDManager manager) throws IOException, CheckpointException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir, "is not a model directory");
        }
        Path configFile = dir.resolve(ModelDirectory.CONFIG_FILE);
        JsonObject config = ModelDirectory.open(dir).config();
        String type = BlockDirectory.modelType(config);
        if (!MODEL_TYPE.equals(type)) {
            throw new CheckpointException(configFile, "model_type '" + type + "' is not a translator; train one with"
                    + " train-translator (model_type '" + MODEL_TYPE + "')");
        }
        BlockDirectory.requireFormat(dir, config, FORMAT_VERSION);
        Seq2SeqConfig modelConfig;
        int maxLength;
        try {
            modelConfig = Seq2SeqModels.readConfig(config.getAsJsonObject(MODEL_KEY));
            maxLength = config.get(MAX_LENGTH_KEY).getAsInt();
        } catch (IllegalArgumentException | NullPointerException | ClassCastException | IllegalStateException e) {
            throw new CheckpointException(configFile, "is not a translator config this toolkit wrote: "
                    + e.getMessage(), e);
        }
        Path tokenizerFile = dir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new CheckpointException(tokenizerFile, "is missing; a translator directory needs its tokenizer.json");
        }
        TranslatorNetwork network = create(modelConfig, tokenizerFile, maxLength, manager);
        try {
            BlockDirectory.loadWeights(dir, network.model, manager);
        } catch (CheckpointException | RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    Seq2SeqModel model() {
        return model;
    }

    Seq2SeqConfig config() {
        return model.config();
    }

    SubwordTokenizer tokenizer() {
        return tokenizer;
    }

    /** The most subwords a side may have, its special token included. */
    int maxLength() {
        return maxLength;
    }

    /** Writes config.json, model.safetensors and tokenizer.json into {@code dir}. */
    void save(Path dir) throws IOException {
        JsonObject fields = new JsonObject();
        fields.addProperty(ARCHITECTURE_KEY, config().modelType().configName());
        fields.add(MODEL_KEY, config().toJson());
        fields.addProperty(MAX_LENGTH_KEY, maxLength);
        BlockDirectory.write(dir, MODEL_TYPE, FORMAT_VERSION, fields, model);
        Path target = dir.resolve(TOKENIZER_FILE);
        if (!Files.exists(target) || !Files.isSameFile(target, tokenizerFile)) {
            Files.copy(tokenizerFile, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
