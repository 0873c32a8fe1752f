package dev.nlptoolkit.models.bert;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.config.ConfigName;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The hyper-parameters of a BERT model as Hugging Face {@code config.json} holds them (Devlin et al.
 * 2019), in typed fields. Keys we do not use are listed in {@link #IGNORED_KEYS}; any other key is kept
 * in {@link #unknownKeys()} so a caller can report it rather than have it vanish.
 *
 * @param labels the class names ordered by id ({@code id2label}); its size is {@code num_labels}
 * @param classifierDropout dropout before the classifier, or null to use {@code hidden_dropout_prob}
 * @param problemType null when the checkpoint does not say (transformers then infers it from the labels)
 * @param unknownKeys keys of the parsed file that are neither read nor listed as ignored
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        BertActivation hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        int padTokenId,
        double initializerRange,
        List<String> labels,
        Double classifierDropout,
        ProblemType problemType,
        List<String> unknownKeys) {

    /** The loss transformers picks for a sequence classifier. */
    public enum ProblemType implements ConfigName {
        REGRESSION("regression"),
        SINGLE_LABEL_CLASSIFICATION("single_label_classification"),
        MULTI_LABEL_CLASSIFICATION("multi_label_classification");

        private final String configName;

        ProblemType(String configName) {
            this.configName = configName;
        }

        @Override
        public String configName() {
            return configName;
        }
    }

    /** The transformers class a saved {@code config.json} names in {@code architectures}. */
    public enum Architecture {
        BERT_MODEL("BertModel"),
        SEQUENCE_CLASSIFICATION("BertForSequenceClassification");

        private final String className;

        Architecture(String className) {
            this.className = className;
        }
    }

    /** Keys transformers writes that do not change the model we build. */
    public static final Set<String> IGNORED_KEYS = Set.of(
            "_name_or_path", "add_cross_attention", "architectures", "bad_words_ids", "bos_token_id",
            "chunk_size_feed_forward", "cross_attention_hidden_size", "decoder_start_token_id",
            "diversity_penalty", "do_sample", "dtype", "early_stopping", "encoder_no_repeat_ngram_size",
            "eos_token_id", "exponential_decay_length_penalty", "finetuning_task", "forced_bos_token_id",
            "forced_eos_token_id", "gradient_checkpointing", "is_decoder", "is_encoder_decoder",
            "length_penalty", "max_length", "min_length", "no_repeat_ngram_size", "num_beam_groups",
            "num_beams", "num_return_sequences", "output_attentions", "output_hidden_states",
            "output_scores", "prefix", "pruned_heads", "remove_invalid_values", "repetition_penalty",
            "return_dict", "return_dict_in_generate", "sep_token_id", "suppress_tokens",
            "task_specific_params", "temperature", "tf_legacy_loss", "tie_encoder_decoder",
            "tie_word_embeddings", "tokenizer_class", "top_k", "top_p", "torch_dtype", "torchscript",
            "transformers_version", "typical_p", "use_bfloat16", "use_cache");

    /** transformers' defaults for keys a config.json may omit. */
    public static final BertActivation DEFAULT_HIDDEN_ACT = BertActivation.GELU;
    public static final double DEFAULT_DROPOUT = 0.1;
    public static final double DEFAULT_LAYER_NORM_EPS = 1e-12;
    public static final int DEFAULT_PAD_TOKEN_ID = 0;
    public static final double DEFAULT_INITIALIZER_RANGE = 0.02;
    public static final int DEFAULT_NUM_LABELS = 2;

    private static final String MODEL_TYPE = "bert";
    private static final String ABSOLUTE_POSITIONS = "absolute";
    private static final String DEFAULT_LABEL_PREFIX = "LABEL_";

    public BertConfig {
        requirePositive("vocab_size", vocabSize);
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", numHiddenLayers);
        requirePositive("num_attention_heads", numAttentionHeads);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("max_position_embeddings", maxPositionEmbeddings);
        requirePositive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of num_attention_heads "
                    + numAttentionHeads + "; pick a head count that divides it");
        }
        requireProbability("hidden_dropout_prob", hiddenDropoutProb);
        requireProbability("attention_probs_dropout_prob", attentionProbsDropoutProb);
        if (classifierDropout != null) {
            requireProbability("classifier_dropout", classifierDropout);
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be positive (BERT uses 1e-12), got " + layerNormEps);
        }
        if (!(initializerRange > 0)) {
            throw new IllegalArgumentException("initializer_range must be positive (BERT uses 0.02), got "
                    + initializerRange);
        }
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a BERT config needs at least one label (num_labels >= 1)");
        }
        if (Set.copyOf(labels).size() != labels.size()) {
            throw new IllegalArgumentException("labels must be distinct, got " + labels);
        }
        labels = List.copyOf(labels);
        unknownKeys = List.copyOf(unknownKeys);
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    private static void requireProbability(String key, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(key + " must be in [0, 1), got " + p);
        }
    }

    /** {@code num_labels}. */
    public int numLabels() {
        return labels.size();
    }

    /** H, the size of one attention head. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** The dropout rate before the classifier: {@code classifier_dropout}, else {@code hidden_dropout_prob}. */
    public double effectiveClassifierDropout() {
        return classifierDropout != null ? classifierDropout : hiddenDropoutProb;
    }

    /** This config with other class names (and so possibly another {@code num_labels}). */
    public BertConfig withLabels(List<String> newLabels) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                hiddenDropoutProb, attentionProbsDropoutProb, maxPositionEmbeddings, typeVocabSize, layerNormEps,
                padTokenId, initializerRange, newLabels, classifierDropout, problemType, unknownKeys);
    }

    /** {@code LABEL_0 .. LABEL_{n-1}}, the names transformers gives when a config names none. */
    public static List<String> defaultLabels(int numLabels) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < numLabels; i++) {
            out.add(DEFAULT_LABEL_PREFIX + i);
        }
        return out;
    }

    /** Reads and parses {@code file}. */
    public static BertConfig read(Path file) throws CheckpointException {
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        }
        return parse(json, file);
    }

    /** Parses the text of a {@code config.json}; {@code source} names it in error messages. */
    public static BertConfig parse(String json, Path source) throws CheckpointException {
        try {
            return of(JsonParser.parseString(json).getAsJsonObject(), source);
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException(source, "not a usable BERT config.json: " + e.getMessage(), e);
        }
    }

    /** The config held by parsed JSON {@code o}; {@code source} names its file in error messages. */
    public static BertConfig of(JsonObject o, Path source) throws CheckpointException {
        try {
            return fromJson(o);
        } catch (IllegalStateException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new CheckpointException(source, "not a usable BERT config.json: " + e.getMessage(), e);
        }
    }

    private static BertConfig fromJson(JsonObject o) {
        List<String> unknown = new ArrayList<>();
        for (String key : o.keySet()) {
            if (!READ_KEYS.contains(key) && !IGNORED_KEYS.contains(key)) {
                unknown.add(key);
            }
        }
        String modelType = optString(o, "model_type", MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new IllegalArgumentException("model_type is '" + modelType + "', not 'bert'");
        }
        String positions = optString(o, "position_embedding_type", ABSOLUTE_POSITIONS);
        if (!ABSOLUTE_POSITIONS.equals(positions)) {
            throw new IllegalArgumentException(
                    "position_embedding_type '" + positions + "' is not supported; only 'absolute' is");
        }
        String problem = optString(o, "problem_type", null);
        return new BertConfig(
                requiredInt(o, "vocab_size"),
                requiredInt(o, "hidden_size"),
                requiredInt(o, "num_hidden_layers"),
                requiredInt(o, "num_attention_heads"),
                requiredInt(o, "intermediate_size"),
                ConfigName.parse(BertActivation.class, "hidden_act",
                        optString(o, "hidden_act", DEFAULT_HIDDEN_ACT.configName())),
                optDouble(o, "hidden_dropout_prob", DEFAULT_DROPOUT),
                optDouble(o, "attention_probs_dropout_prob", DEFAULT_DROPOUT),
                requiredInt(o, "max_position_embeddings"),
                requiredInt(o, "type_vocab_size"),
                optDouble(o, "layer_norm_eps", DEFAULT_LAYER_NORM_EPS),
                present(o, "pad_token_id") ? o.get("pad_token_id").getAsInt() : DEFAULT_PAD_TOKEN_ID,
                optDouble(o, "initializer_range", DEFAULT_INITIALIZER_RANGE),
                labels(o),
                present(o, "classifier_dropout") ? o.get("classifier_dropout").getAsDouble() : null,
                problem == null ? null : ConfigName.parse(ProblemType.class, "problem_type", problem),
                unknown);
    }

    /** The keys {@link #parse} reads. */
    private static final Set<String> READ_KEYS = Set.of(
            "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
            "type_vocab_size", "layer_norm_eps", "pad_token_id", "initializer_range", "num_labels", "id2label",
            "label2id", "classifier_dropout", "problem_type", "model_type", "position_embedding_type");

    /** id2label ordered by id, checked against num_labels and label2id when those are present. */
    private static List<String> labels(JsonObject o) {
        Integer numLabels = present(o, "num_labels") ? o.get("num_labels").getAsInt() : null;
        if (!present(o, "id2label")) {
            return defaultLabels(numLabels != null ? numLabels : DEFAULT_NUM_LABELS);
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("id2label").entrySet()) {
            byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        if (byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1) {
            throw new IllegalArgumentException("id2label ids must be 0.." + (byId.size() - 1) + ", got " + byId.keySet());
        }
        List<String> labels = List.copyOf(byId.values());
        if (numLabels != null && numLabels != labels.size()) {
            throw new IllegalArgumentException(
                    "num_labels is " + numLabels + " but id2label names " + labels.size() + " labels");
        }
        if (present(o, "label2id")) {
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("label2id").entrySet()) {
                int id = e.getValue().getAsInt();
                if (id < 0 || id >= labels.size() || !labels.get(id).equals(e.getKey())) {
                    throw new IllegalArgumentException("label2id maps '" + e.getKey() + "' to " + id
                            + ", which id2label does not agree with: " + byId);
                }
            }
        }
        return labels;
    }

    private static boolean present(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull();
    }

    private static int requiredInt(JsonObject o, String key) {
        if (!present(o, key)) {
            throw new IllegalArgumentException("required key '" + key + "' is missing");
        }
        return o.get(key).getAsInt();
    }

    private static double optDouble(JsonObject o, String key, double fallback) {
        return present(o, key) ? o.get(key).getAsDouble() : fallback;
    }

    private static String optString(JsonObject o, String key, String fallback) {
        return present(o, key) ? o.get(key).getAsString() : fallback;
    }

    /** A config.json for {@link Architecture#SEQUENCE_CLASSIFICATION}. */
    public String toJson() {
        return toJson(Architecture.SEQUENCE_CLASSIFICATION);
    }

    /** A config.json that transformers loads as {@code architecture}, holding every key this record reads. */
    public String toJson(Architecture architecture) {
        JsonObject o = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(architecture.className);
        o.add("architectures", architectures);
        o.addProperty("model_type", MODEL_TYPE);
        o.addProperty("vocab_size", vocabSize);
        o.addProperty("hidden_size", hiddenSize);
        o.addProperty("num_hidden_layers", numHiddenLayers);
        o.addProperty("num_attention_heads", numAttentionHeads);
        o.addProperty("intermediate_size", intermediateSize);
        o.addProperty("hidden_act", hiddenAct.configName());
        o.addProperty("hidden_dropout_prob", hiddenDropoutProb);
        o.addProperty("attention_probs_dropout_prob", attentionProbsDropoutProb);
        o.addProperty("max_position_embeddings", maxPositionEmbeddings);
        o.addProperty("type_vocab_size", typeVocabSize);
        o.addProperty("layer_norm_eps", layerNormEps);
        o.addProperty("pad_token_id", padTokenId);
        o.addProperty("initializer_range", initializerRange);
        o.addProperty("position_embedding_type", ABSOLUTE_POSITIONS);
        o.add("classifier_dropout", classifierDropout == null ? JsonNull.INSTANCE : new JsonPrimitive(classifierDropout));
        o.add("problem_type", problemType == null ? JsonNull.INSTANCE : new JsonPrimitive(problemType.configName()));
        o.addProperty("num_labels", labels.size());
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(Integer.toString(i), labels.get(i));
            label2id.addProperty(labels.get(i), i);
        }
        o.add("id2label", id2label);
        o.add("label2id", label2id);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create().toJson(o);
    }
}
