package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.core.tokenize.WordTokenizer;
import dev.nlptoolkit.core.tokenize.WordVocabulary;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.weights.BlockDirectory;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A classifier trained from scratch on a word vocabulary counted from its training data.
 *
 * <p>Saved as {@code config.json} ({@value #MODEL_TYPE}: the kind, the Block's own config, the
 * maximum length and the labels), {@code model.safetensors} (parameters by dotted name) and
 * {@value #VOCABULARY_FILE} ({@link WordVocabulary}).
 */
final class ScratchNetwork implements ClassifierNetwork {

    static final String MODEL_TYPE = "nlptoolkit-classifier";
    static final String VOCABULARY_FILE = "vocab.json";
    /** The token between the two texts of a pair. */
    static final String SEPARATOR = "[SEP]";

    private static final String KIND_KEY = "architecture";
    private static final String MODEL_KEY = "model";
    private static final String MAX_LENGTH_KEY = "max_length";
    private static final int FORMAT_VERSION = 1;

    private final ModelKind kind;
    private final TextClassifier model;
    private final JsonObject modelConfig;
    private final WordTokenizer tokenizer;
    private final LabelMap labels;
    private final int maxLength;

    private ScratchNetwork(ModelKind kind, TextClassifier model, JsonObject modelConfig, WordVocabulary vocabulary,
            LabelMap labels, int maxLength) {
        this.kind = kind;
        this.model = model;
        this.modelConfig = modelConfig;
        this.tokenizer = WordTokenizer.builder()
                .setVocabulary(vocabulary).optSeparatorToken(SEPARATOR).optMaxLength(maxLength).build();
        this.labels = labels;
        this.maxLength = maxLength;
    }

    /** The vocabulary of {@code train}'s texts and pairs: words seen at least {@code minFrequency} times. */
    static WordVocabulary vocabulary(List<Example> train, int minFrequency) {
        List<String> texts = new ArrayList<>(train.size());
        for (Example example : train) {
            texts.add(example.text());
            if (example.textPair() != null) {
                texts.add(example.textPair());
            }
        }
        return WordVocabulary.builder()
                .optMinFrequency(minFrequency).optExtraTokens(List.of(SEPARATOR)).build(texts);
    }

    /** A freshly initialised model of {@code kind} (engine seed set by the caller). */
    static ScratchNetwork create(ModelKind kind, WordVocabulary vocabulary, LabelMap labels, int maxLength,
            NDManager manager) {
        JsonObject config = ScratchBlocks.defaultConfig(kind, vocabulary.size(), labels.size()).toJson();
        return new ScratchNetwork(kind, TextClassifiers.createInitialized(config, manager), config, vocabulary, labels,
                maxLength);
    }

    static ScratchNetwork load(Path dir, JsonObject config, NDManager manager)
            throws IOException, CheckpointException {
        Path configFile = dir.resolve(ModelDirectory.CONFIG_FILE);
        BlockDirectory.requireFormat(dir, config, FORMAT_VERSION);
        ModelKind kind;
        LabelMap labels;
        try {
            kind = ModelKind.parse(config.get(KIND_KEY).getAsString());
            labels = LabelMap.fromConfig(config, configFile.toString());
        } catch (IllegalArgumentException | NullPointerException | IllegalStateException e) {
            throw new CheckpointException(
                    configFile, "is not a classifier config this toolkit wrote: " + e.getMessage(), e);
        }
        JsonObject modelConfig = config.getAsJsonObject(MODEL_KEY);
        WordVocabulary vocabulary = WordVocabulary.load(dir.resolve(VOCABULARY_FILE));
        TextClassifier model;
        try {
            model = TextClassifiers.createInitialized(modelConfig, manager);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CheckpointException(
                    configFile, "\"" + MODEL_KEY + "\" is not a classifier config: " + e.getMessage(), e);
        }
        ScratchNetwork network = new ScratchNetwork(kind, model, modelConfig, vocabulary, labels,
                config.get(MAX_LENGTH_KEY).getAsInt());
        BlockDirectory.loadWeights(dir, model, manager);
        return network;
    }

    @Override
    public ModelKind kind() {
        return kind;
    }

    @Override
    public TextClassifier model() {
        return model;
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public LabelMap labels() {
        return labels;
    }

    @Override
    public int maxLength() {
        return maxLength;
    }

    /** The unknown word: an empty text says nothing the model knows. */
    @Override
    public long emptyTextId() {
        return tokenizer.vocabulary().unkId();
    }

    WordVocabulary vocabulary() {
        return tokenizer.vocabulary();
    }

    @Override
    public void save(Path dir) throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty(KIND_KEY, kind.cliName());
        config.add(MODEL_KEY, modelConfig.deepCopy());
        config.addProperty(MAX_LENGTH_KEY, maxLength);
        labels.addTo(config);
        tokenizer.vocabulary().save(dir.resolve(VOCABULARY_FILE));
        BlockDirectory.write(dir, MODEL_TYPE, FORMAT_VERSION, config, model);
    }

    @Override
    public void close() {
        // The word tokenizer holds no native resources; the model's arrays belong to the caller's manager.
    }
}
