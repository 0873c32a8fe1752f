package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.core.tokenize.TokenBatch;
import dev.nlptoolkit.core.tokenize.WordTokenizer;
import dev.nlptoolkit.core.tokenize.WordVocabulary;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.weights.BlockDirectory;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A classifier trained from scratch, on a word vocabulary counted from its training data or on the
 * tokenizer and initial word embeddings of a Hugging Face checkpoint ({@link PretrainedEmbeddings}).
 *
 * <p>Saved as {@code config.json} ({@value #MODEL_TYPE}: the kind, the Block's own config, the
 * maximum length, the labels, the tokenizer file and, for pretrained embeddings, where they came
 * from), {@code model.safetensors} (parameters by dotted name) and the tokenizer:
 * {@value #VOCABULARY_FILE} ({@link WordVocabulary}) or the checkpoint's {@code tokenizer.json} with
 * {@value TableRowTokenizer#ROWS_FILE}.
 * Directories written before the tokenizer file was recorded hold {@value #VOCABULARY_FILE}.
 */
final class ScratchNetwork implements ClassifierNetwork {

    static final String MODEL_TYPE = "nlptoolkit-classifier";
    static final String VOCABULARY_FILE = "vocab.json";
    /** The token between the two texts of a pair. */
    static final String SEPARATOR = "[SEP]";

    private static final String KIND_KEY = "architecture";
    private static final String MODEL_KEY = "model";
    private static final String MAX_LENGTH_KEY = "max_length";
    private static final String TOKENIZER_KEY = "tokenizer_file";
    private static final String EMBEDDINGS_KEY = "embeddings_from";
    private static final int FORMAT_VERSION = 1;

    private final ModelKind kind;
    private final TextClassifier model;
    private final JsonObject modelConfig;
    private final TextTokenizer tokenizer;
    /** The vocabulary of a word tokenizer; null with a Hugging Face one. */
    private final WordVocabulary vocabulary;
    /** The tokenizer.json a Hugging Face tokenizer was read from; null with a word tokenizer. */
    private final Path tokenizerFile;
    /** {@link PretrainedEmbeddings#provenance}, or null for embeddings drawn at random. */
    private final JsonObject embeddingsFrom;
    private final LabelMap labels;
    private final int maxLength;

    private ScratchNetwork(ModelKind kind, TextClassifier model, JsonObject modelConfig, WordVocabulary vocabulary,
            LabelMap labels, int maxLength) {
        this(kind, model, modelConfig, WordTokenizer.builder()
                .setVocabulary(vocabulary).optSeparatorToken(SEPARATOR).optMaxLength(maxLength).build(),
                vocabulary, null, null, labels, maxLength);
    }

    private ScratchNetwork(ModelKind kind, TextClassifier model, JsonObject modelConfig, TextTokenizer tokenizer,
            WordVocabulary vocabulary, Path tokenizerFile, JsonObject embeddingsFrom, LabelMap labels,
            int maxLength) {
        this.kind = kind;
        this.model = model;
        this.modelConfig = modelConfig;
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.tokenizerFile = tokenizerFile;
        this.embeddingsFrom = embeddingsFrom;
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

    /**
     * A model of {@code kind} on the tokenizer of {@code embeddings}' checkpoint, its rows reordered so
     * that the pieces of {@code train} come first ({@link TableRowTokenizer}), its embedding table
     * copied from those rows of the checkpoint's matrix and every other parameter drawn (engine seed set
     * by the caller).
     */
    static ScratchNetwork create(ModelKind kind, PretrainedEmbeddings embeddings, boolean frozen, List<Example> train,
            LabelMap labels, int maxLength, NDManager manager) throws IOException, CheckpointException {
        Path file = embeddings.directory().resolve(HfTokenizer.TOKENIZER_FILE);
        HfTokenizer pieces = embeddings.tokenizer(maxLength);
        TableRowTokenizer tokenizer;
        long[] template;
        try {
            TokenBatch empty = pieces.encode(List.of(""));
            template = Arrays.copyOf(empty.inputIds()[0], empty.lengths()[0]);
            tokenizer = TableRowTokenizer.fromTexts(pieces, file, train.stream().map(Example::text).toList(),
                    train.stream().map(Example::textPair).toList());
        } catch (IOException | RuntimeException e) {
            pieces.close();
            throw e;
        }
        try {
            JsonObject config = ScratchBlocks.defaultConfig(kind, tokenizer.vocabularySize(), labels.size(),
                    embeddings.columns(), Math.toIntExact(tokenizer.padId())).toJson();
            TextClassifier model = TextClassifiers.createInitialized(config, manager);
            embeddings.copyInto(model, tokenizer.pieces(), template, manager);
            return new ScratchNetwork(kind, model, config, tokenizer, null, file,
                    embeddings.provenance(frozen, tokenizer.vocabularySize(), tokenizer.trainedRows()), labels,
                    maxLength);
        } catch (CheckpointException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    static ScratchNetwork load(Path dir, JsonObject config, NDManager manager)
            throws IOException, CheckpointException {
        Path configFile = dir.resolve(ModelDirectory.CONFIG_FILE);
        ModelKind kind;
        LabelMap labels;
        JsonObject modelConfig;
        int maxLength;
        // Gson's accessors throw unchecked exceptions of several kinds on a value of the wrong type.
        try {
            BlockDirectory.requireFormat(dir, config, FORMAT_VERSION);
            kind = ModelKind.parse(required(config, KIND_KEY, configFile).getAsString());
            labels = LabelMap.fromConfig(config, configFile.toString());
            modelConfig = required(config, MODEL_KEY, configFile).getAsJsonObject();
            maxLength = required(config, MAX_LENGTH_KEY, configFile).getAsInt();
        } catch (RuntimeException e) {
            throw new CheckpointException(
                    configFile, "is not a classifier config this toolkit wrote: " + e.getMessage(), e);
        }
        TextClassifier model;
        try {
            model = TextClassifiers.createInitialized(modelConfig, manager);
        } catch (RuntimeException e) {
            throw new CheckpointException(
                    configFile, "\"" + MODEL_KEY + "\" is not a classifier config: " + e.getMessage(), e);
        }
        BlockDirectory.loadWeights(dir, model, manager);
        String tokenizerName = config.has(TOKENIZER_KEY) ? config.get(TOKENIZER_KEY).getAsString() : VOCABULARY_FILE;
        JsonObject embeddingsFrom = config.has(EMBEDDINGS_KEY) ? config.getAsJsonObject(EMBEDDINGS_KEY) : null;
        if (VOCABULARY_FILE.equals(tokenizerName)) {
            WordVocabulary vocabulary = WordVocabulary.load(dir.resolve(VOCABULARY_FILE));
            try {
                return new ScratchNetwork(kind, model, modelConfig, WordTokenizer.builder().setVocabulary(vocabulary)
                        .optSeparatorToken(SEPARATOR).optMaxLength(maxLength).build(), vocabulary, null,
                        embeddingsFrom, labels, maxLength);
            } catch (IllegalArgumentException | UserInputException e) {
                // The tokenizer refuses a vocabulary without its special tokens, or a bad max_length.
                throw new CheckpointException(dir.resolve(VOCABULARY_FILE),
                        "does not fit config.json: " + e.getMessage(), e);
            }
        }
        if (!HfTokenizer.TOKENIZER_FILE.equals(tokenizerName)) {
            throw new CheckpointException(configFile, TOKENIZER_KEY + " is '" + tokenizerName + "'; this build reads "
                    + VOCABULARY_FILE + " and " + HfTokenizer.TOKENIZER_FILE);
        }
        Path file = dir.resolve(HfTokenizer.TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "is missing; the model was trained on this Hugging Face tokenizer");
        }
        Path rows = dir.resolve(TableRowTokenizer.ROWS_FILE);
        if (!Files.isRegularFile(rows)) {
            throw new CheckpointException(rows, "is missing; it maps the tokenizer's ids to embedding rows");
        }
        HfTokenizer pieces = HfTokenizer.builder().setPath(file).optMaxLength(maxLength).build();
        try {
            return new ScratchNetwork(kind, model, modelConfig, TableRowTokenizer.load(pieces, file, rows), null,
                    file, embeddingsFrom, labels, maxLength);
        } catch (IOException | CheckpointException | RuntimeException e) {
            pieces.close();
            throw e;
        }
    }

    private static com.google.gson.JsonElement required(JsonObject config, String key, Path file)
            throws CheckpointException {
        com.google.gson.JsonElement value = config.get(key);
        if (value == null || value.isJsonNull()) {
            throw new CheckpointException(file, "has no \"" + key + "\", which this toolkit writes; is it one of ours?");
        }
        return value;
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

    /**
     * The unknown word: an empty text says nothing the model knows. A Hugging Face tokenizer adds its
     * special tokens to every text, so its padding id is never needed in practice.
     */
    @Override
    public long emptyTextId() {
        return vocabulary != null ? vocabulary.unkId() : tokenizer.padId();
    }

    @Override
    public void save(Path dir) throws IOException {
        JsonObject config = new JsonObject();
        config.addProperty(KIND_KEY, kind.cliName());
        config.add(MODEL_KEY, modelConfig.deepCopy());
        config.addProperty(MAX_LENGTH_KEY, maxLength);
        config.addProperty(TOKENIZER_KEY, vocabulary != null ? VOCABULARY_FILE : HfTokenizer.TOKENIZER_FILE);
        if (embeddingsFrom != null) {
            config.add(EMBEDDINGS_KEY, embeddingsFrom.deepCopy());
        }
        labels.addTo(config);
        // an earlier run's other tokenizer file would contradict config.json
        if (vocabulary != null) {
            Files.deleteIfExists(dir.resolve(HfTokenizer.TOKENIZER_FILE));
            Files.deleteIfExists(dir.resolve(TableRowTokenizer.ROWS_FILE));
            vocabulary.save(dir.resolve(VOCABULARY_FILE));
        } else {
            Files.deleteIfExists(dir.resolve(VOCABULARY_FILE));
            Path target = dir.resolve(HfTokenizer.TOKENIZER_FILE);
            if (!Files.exists(target) || !Files.isSameFile(tokenizerFile, target)) {
                Files.copy(tokenizerFile, target, StandardCopyOption.REPLACE_EXISTING);
            }
            ((TableRowTokenizer) tokenizer).save(dir);
        }
        BlockDirectory.write(dir, MODEL_TYPE, FORMAT_VERSION, config, model);
    }

    /**
     * Parameters, by name, of which only the leading rows can get a gradient: on pretrained embeddings
     * the table, whose rows past the training data's pieces ({@link TableRowTokenizer#trainedRows()})
     * no training text uses; none on a word vocabulary.
     */
    Map<String, Long> trainedRows() {
        if (tokenizer instanceof TableRowTokenizer rows && rows.trainedRows() < rows.vocabularySize()) {
            return Map.of(PretrainedEmbeddings.EMBEDDING_PARAMETER, (long) rows.trainedRows());
        }
        return Map.of();
    }

    /** {@link PretrainedEmbeddings#provenance}, or null for embeddings drawn at random. */
    JsonObject embeddingsFrom() {
        return embeddingsFrom;
    }

    @Override
    public void close() {
        // The model's arrays belong to the caller's manager; a word tokenizer holds no native resources.
        if (tokenizer instanceof TableRowTokenizer pieces) {
            pieces.close();
        }
    }
}
