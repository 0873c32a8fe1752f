package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.ConfigBuilder;
import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.config.JsonRecords;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;
import dev.nlptoolkit.models.attention.AttentionPooling;
import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.recurrent.Lstm;
import dev.nlptoolkit.models.recurrent.RecurrentInput;
import dev.nlptoolkit.models.recurrent.RecurrentOutput;


/**
 * A bidirectional LSTM whose states are pooled by self-attention over the real tokens (Zhou et al.
 * 2016, "Attention-Based Bidirectional Long Short-Term Memory Networks for Relation Classification";
 * the pooling of Lin et al. 2017): embedding, dropout, BiLSTM, masked {@link AttentionPooling},
 * dropout, linear layer. The pooling weights tell which tokens decided the class.
 *
 * <p>Shapes: ids and mask (B, T) -> logits (B, C); representation (B, 2H); token weights (B, T), zero
 * on padding. Children {@code embedding}, {@code dropout}, {@code lstm}, {@code attention},
 * {@code classifier}.
 */
public final class BiLstmAttentionClassifier extends ClassifierBlock<BiLstmAttentionClassifier.Config> {

    private static final int DIRECTIONS = 2;

    private final Dropout dropout;
    private final Lstm lstm;
    private final AttentionPooling attention;
    private final Linear classifier;

    private BiLstmAttentionClassifier(Config config) {
        super(config);
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        lstm = addChildBlock("lstm", Lstm.builder()
                .setHiddenSize(config.hiddenSize())
                .optNumLayers(config.numLayers())
                .optBidirectional(true)
                .optDropout(config.dropout())
                .build());
        attention = addChildBlock("attention", AttentionPooling.builder().setUnits(config.attentionSize()).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numClasses()).build());
    }

    public static ConfigBuilder<Config, BiLstmAttentionClassifier> builder() {
        return new ConfigBuilder<>("BiLstmAttentionClassifier", "Config.of(vocabSize, numClasses)",
                BiLstmAttentionClassifier::new);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        NDArray x = dropout.forward(parameterStore, new NDList(embeddings), training).singletonOrThrow();
        RecurrentInput sequence = RecurrentInput.of(x).withLengths(input.lengths());
        // (B, T, E) -> (B, T, 2H), zero at padding
        NDArray states = RecurrentOutput.fromNDList(lstm.forward(parameterStore, sequence.toNDList(), training))
                .output();
        // (B, T, 2H) -> (B, 2H) and weights (B, T)
        AttentionOutput pooled =
                attention.pool(parameterStore, AttentionInput.selfAttention(states, input.attentionMask()), training);
        NDArray dropped = dropout.forward(parameterStore, new NDList(pooled.output()), training).singletonOrThrow();
        // (B, 2H) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
        return new ClassifierOutput(logits, pooled.output(), pooled.weights());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape embedded = embedding.getOutputShapes(new Shape[] {ids})[0];
        embedding.initialize(manager, dataType, ids);
        dropout.initialize(manager, dataType, embedded);
        lstm.initialize(manager, dataType, embedded);
        Shape states = lstm.getOutputShapes(new Shape[] {embedded})[0];
        attention.initialize(manager, dataType, states);
        classifier.initialize(manager, dataType, attention.getOutputShapes(new Shape[] {states})[0]);
    }

    /**
     * The hyper-parameters; defaults suit SST-2-sized data on a CPU.
     *
     * @param vocabSize V, required
     * @param embeddingSize E, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param hiddenSize H per direction, default {@value #DEFAULT_HIDDEN_SIZE}
     * @param attentionSize A, the pooling scorer's hidden size, default {@value #DEFAULT_ATTENTION_SIZE}
     * @param numLayers L, default {@value #DEFAULT_LAYERS}
     * @param dropout on the embeddings, between LSTM layers and before the classifier, default
     *     {@value #DEFAULT_DROPOUT}
     * @param numClasses C, required
     * @param padId the padding id, default 0 (WordVocabulary's)
     */
    public record Config(
            @JsonRecords.Required int vocabSize,
            int embeddingSize,
            int hiddenSize,
            int attentionSize,
            int numLayers,
            float dropout,
            @JsonRecords.Required int numClasses,
            int padId) implements ClassifierConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 128;
        public static final int DEFAULT_HIDDEN_SIZE = 128;
        public static final int DEFAULT_ATTENTION_SIZE = 64;
        public static final int DEFAULT_LAYERS = 1;
        public static final float DEFAULT_DROPOUT = 0.3f;
        public static final int DEFAULT_PAD_ID = 0;

        private static final String EMBEDDING_SIZE = "embedding_size";
        private static final String HIDDEN_SIZE = "hidden_size";
        private static final String ATTENTION_SIZE = "attention_size";
        private static final String NUM_LAYERS = "num_layers";

        public Config {
            String model = ModelType.BILSTM_ATTENTION.configName();
            ConfigJson.checkCommon(model, vocabSize, numClasses, padId, dropout);
            ConfigChecks.positive(model, EMBEDDING_SIZE, embeddingSize);
            ConfigChecks.positive(model, HIDDEN_SIZE, hiddenSize);
            ConfigChecks.positive(model, ATTENTION_SIZE, attentionSize);
            ConfigChecks.positive(model, NUM_LAYERS, numLayers);
        }

        /** The defaults for a vocabulary of {@code vocabSize} and {@code numClasses} classes. */
        public static Config of(int vocabSize, int numClasses) {
            return new Config(vocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_HIDDEN_SIZE, DEFAULT_ATTENTION_SIZE,
                    DEFAULT_LAYERS, DEFAULT_DROPOUT, numClasses, DEFAULT_PAD_ID);
        }

        @Override
        public ModelType modelType() {
            return ModelType.BILSTM_ATTENTION;
        }


        /** Reads {@link ClassifierConfig#toJson()}'s form; {@code vocab_size} and {@code num_classes} are required. */
        public static Config fromJson(JsonObject json) {
            return ConfigJson.TYPES.read(json, Config.class, of(ConfigJson.ANY_VOCAB_SIZE, ConfigJson.ANY_NUM_CLASSES),
                    ModelType.BILSTM_ATTENTION);
        }
    }
}
