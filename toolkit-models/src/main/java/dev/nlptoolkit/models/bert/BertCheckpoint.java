package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.AbstractBlock;

import com.google.gson.JsonParser;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.models.weights.StateDict;
import dev.nlptoolkit.models.weights.WeightMismatchException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Loads and saves BERT checkpoints in the Hugging Face layout: a directory with {@code config.json}
 * and {@code model.safetensors}, tensors named as transformers names them. (The tokenizer is the
 * caller's to copy.)
 *
 * <p>Accepted differences from our parameter names, all listed here: keys with or without the
 * {@code bert.} prefix (a {@code BertModel} checkpoint has none); legacy {@code LayerNorm.gamma/beta}
 * for {@code weight/bias}; {@link #IGNORED_KEYS} (buffers and pre-training heads) skipped; a missing
 * classifier head initialised fresh. Everything else must match by name and shape.
 */
public final class BertCheckpoint {

    public static final String CONFIG_FILE = ModelDirectory.CONFIG_FILE;
    public static final String WEIGHTS_FILE = ModelDirectory.WEIGHTS_FILE;

    /** Checkpoint keys skipped when loading: the position-id buffer and the MLM/NSP pre-training heads. */
    public static final Predicate<String> IGNORED_KEYS =
            key -> key.endsWith("embeddings.position_ids") || key.startsWith("cls.");

    /** What to do with a checkpoint's classifier head. */
    public enum Head {
        /** Load it; its size must match the labels. A checkpoint without a head gets a fresh one. */
        LOAD_OR_INITIALISE,
        /** Ignore any head in the checkpoint and start a fresh one (to fine-tune for other labels). */
        REINITIALISE
    }

    private static final String BERT_PREFIX = "bert.";
    private static final String CLASSIFIER_PREFIX = "classifier.";
    private static final String CLASSIFIER_WEIGHT = CLASSIFIER_PREFIX + "weight";
    private static final Map<String, String> LEGACY_SUFFIXES =
            Map.of("LayerNorm.gamma", "LayerNorm.weight", "LayerNorm.beta", "LayerNorm.bias");
    /** Parameters are created for a (1, 1) input, then overwritten from the file. */
    private static final long INIT_LENGTH = 1;

    private BertCheckpoint() {}

    /** A {@link BertModel} from {@code dir}; a classifier checkpoint's head is ignored. */
    public static BertModel loadModel(Path dir, NDManager manager)
            throws CheckpointException, WeightMismatchException {
        ModelDirectory directory = ModelDirectory.open(dir);
        BertModel model = BertModel.builder().setConfig(config(directory)).build();
        initialize(model, manager);
        StateDict.LoadSpec spec = StateDict.LoadSpec.strict()
                .withRename(BertCheckpoint::bareName)
                .ignoreUnexpected(IGNORED_KEYS.or(BertCheckpoint::isHead));
        try (NDManager scratch = manager.newSubManager()) {
            StateDict.load(model, directory.readWeights(scratch), dir.toString(), spec);
        }
        return model;
    }

    /** A classifier from {@code dir} with the labels of its config.json, loading its head if it has one. */
    public static BertForSequenceClassification loadClassifier(Path dir, NDManager manager)
            throws CheckpointException, WeightMismatchException {
        ModelDirectory directory = ModelDirectory.open(dir);
        return loadClassifier(directory, manager, config(directory), Head.LOAD_OR_INITIALISE);
    }

    /**
     * A classifier for {@code labels} from {@code dir}; they replace the labels of its config.json.
     *
     * @throws CheckpointException if the checkpoint's head is for another number of labels and
     *     {@code head} is {@link Head#LOAD_OR_INITIALISE}
     */
    public static BertForSequenceClassification loadClassifier(
            Path dir, NDManager manager, List<String> labels, Head head)
            throws CheckpointException, WeightMismatchException {
        ModelDirectory directory = ModelDirectory.open(dir);
        return loadClassifier(directory, manager, config(directory).withLabels(labels), head);
    }

    private static BertConfig config(ModelDirectory directory) throws CheckpointException {
        return BertConfig.of(directory.config(), directory.directory().resolve(CONFIG_FILE));
    }

    private static BertForSequenceClassification loadClassifier(
            ModelDirectory directory, NDManager manager, BertConfig config, Head head)
            throws CheckpointException, WeightMismatchException {
        BertForSequenceClassification model = BertForSequenceClassification.builder().setConfig(config).build();
        initialize(model, manager);
        Path weights = directory.directory();
        try (NDManager scratch = manager.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>(directory.readWeights(scratch));
            boolean hasHead = tensors.keySet().stream().anyMatch(BertCheckpoint::isHead);
            if (head == Head.REINITIALISE) {
                tensors.keySet().removeIf(BertCheckpoint::isHead);
            } else if (hasHead) {
                checkHeadSize(weights, tensors.get(CLASSIFIER_WEIGHT), config.numLabels());
            }
            // The model was initialised as transformers initialises a new head: N(0, initializer_range), bias 0.
            boolean freshHead = head == Head.REINITIALISE || !hasHead;
            StateDict.LoadSpec spec = StateDict.LoadSpec.strict()
                    .withRename(key -> isHead(key) ? key : BERT_PREFIX + bareName(key))
                    .ignoreUnexpected(IGNORED_KEYS)
                    .allowMissing(key -> freshHead && isHead(key));
            StateDict.load(model, tensors, weights.toString(), spec);
        }
        return model;
    }

    private static boolean isHead(String key) {
        return key.startsWith(CLASSIFIER_PREFIX);
    }

    private static void checkHeadSize(Path weights, NDArray headWeight, int numLabels) throws CheckpointException {
        if (headWeight != null && headWeight.getShape().get(0) != numLabels) {
            throw new CheckpointException(weights, CLASSIFIER_WEIGHT, "is a head for " + headWeight.getShape().get(0)
                    + " labels but " + numLabels + " were asked for; load with Head.REINITIALISE to start a fresh "
                    + "head for the new labels");
        }
    }

    /** Writes {@code model} to {@code dir} as transformers' save_pretrained does (config and weights). */
    public static void save(BertForSequenceClassification model, Path dir) throws IOException {
        save(model, model.getConfig().toJson(BertConfig.Architecture.SEQUENCE_CLASSIFICATION), dir);
    }

    /** Writes {@code model} to {@code dir} as a transformers {@code BertModel} checkpoint. */
    public static void save(BertModel model, Path dir) throws IOException {
        save(model, model.getConfig().toJson(BertConfig.Architecture.BERT_MODEL), dir);
    }

    private static void save(AbstractBlock model, String configJson, Path dir) throws IOException {
        ModelDirectory.write(dir, JsonParser.parseString(configJson).getAsJsonObject(), StateDict.arrays(model));
    }

    private static void initialize(AbstractBlock model, NDManager manager) {
        model.initialize(manager, DataType.FLOAT32, BertInput.shapes(INIT_LENGTH, INIT_LENGTH));
    }

    /** The key without {@code bert.} and with legacy gamma/beta names replaced. */
    private static String bareName(String key) {
        String bare = key.startsWith(BERT_PREFIX) ? key.substring(BERT_PREFIX.length()) : key;
        for (Map.Entry<String, String> legacy : LEGACY_SUFFIXES.entrySet()) {
            if (bare.endsWith(legacy.getKey())) {
                return bare.substring(0, bare.length() - legacy.getKey().length()) + legacy.getValue();
            }
        }
        return bare;
    }
}
