package dev.nlptoolkit.models.classifier;

import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.ConfigBuilder;
import dev.nlptoolkit.core.config.JsonRecords;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;
import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.LayerNorm;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.transformer.SinusoidalPositionalEncoding;
import dev.nlptoolkit.models.transformer.TransformerEncoder;
import dev.nlptoolkit.models.transformer.TransformerLayerConfig;


/**
 * A transformer encoder text classifier (Vaswani et al. 2017, "Attention Is All You Need"): token
 * embeddings scaled by sqrt(E) plus sinusoidal positions, dropout, a {@link TransformerEncoder}
 * (pre-norm by default), the mean of the outputs over the real tokens, and a linear layer.
 *
 * <p>Shapes: ids and mask (B, T) -> logits (B, C); representation (B, E); token weights (B, T)
 * outside training: the last layer's attention each token receives, averaged over heads and real
 * tokens. Children {@code embedding}, {@code positions}, {@code dropout}, {@code encoder},
 * {@code classifier}.
 */
public final class TransformerClassifier extends ClassifierBlock<TransformerClassifier.Config> {

    private static final int TIME_AXIS = 1;
    private static final int FEATURE_AXIS = 2;
    /** Heads N in attention probabilities (B, N, T, T). */
    private static final int HEAD_AXIS = 1;
    /** Queries in per-query attention (B, T, T). */
    private static final int QUERY_AXIS = 1;

    private final float embeddingScale;
    private final SinusoidalPositionalEncoding positions;
    private final Dropout dropout;
    private final TransformerEncoder encoder;
    private final Linear classifier;

    private TransformerClassifier(Config config) {
        // rows N(0, 1/E), so that after the sqrt(E) scaling they are of unit size, as fairseq does
        super(config, 1 / scaleOf(config));
        embeddingScale = scaleOf(config);
        positions = addChildBlock("positions", SinusoidalPositionalEncoding.builder().build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        encoder = addChildBlock("encoder", TransformerEncoder.builder()
                .setConfig(config.layerConfig())
                .setLayers(config.numLayers())
                .build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numClasses()).build());
    }

    public static ConfigBuilder<Config, TransformerClassifier> builder() {
        return new ConfigBuilder<>("TransformerClassifier", "Config.of(vocabSize, numClasses)",
                TransformerClassifier::new);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        NDArray x = positions.encode(NativeArrays.mul(embeddings, embeddingScale), 0);
        x = dropout.forward(parameterStore, new NDList(x), training).singletonOrThrow();
        NDArray mask = input.attentionMask();
        // (B, T, E), garbage at padded positions, which the pooling skips
        AttentionOutput attended = encoder.encodeWithLastWeights(
                parameterStore, AttentionInput.selfAttention(x, mask), training);
        NDArray encoded = attended.output();
        // (B, T) -> (B, T, 1)
        NDArray real = mask.toType(encoded.getDataType(), false).expandDims(FEATURE_AXIS);
        // (B, T, E) -> (B, E) summed over real tokens, / (B, 1) counts
        NDArray representation = encoded.mul(real).sum(new int[] {TIME_AXIS}).div(real.sum(new int[] {TIME_AXIS}));
        NDArray dropped = dropout.forward(parameterStore, new NDList(representation), training).singletonOrThrow();
        // (B, E) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
        return training
                ? new ClassifierOutput(logits, representation, null)
                : new ClassifierOutput(logits, representation, attentionReceived(attended, real), attended.weights());
    }

    /**
     * (B, T): the last layer's attention each token receives, averaged over heads and over the real
     * tokens, whose mean the pooling takes; sums to 1 per sequence and is 0 on padding.
     *
     * @param real (B, T, 1) 1 at real tokens, 0 at padding
     */
    private static NDArray attentionReceived(AttentionOutput attended, NDArray real) {
        // (B, N, T, T) -> (B, T, T): query rows, key columns
        NDArray perQuery = attended.weights().mean(new int[] {HEAD_AXIS});
        // (B, T, T) -> (B, T): summed over the real queries, / (B, 1) their count
        return perQuery.mul(real).sum(new int[] {QUERY_AXIS}).div(real.sum(new int[] {TIME_AXIS}));
    }

    private static float scaleOf(Config config) {
        return (float) Math.sqrt(config.embeddingSize());
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape embedded = embedding.getOutputShapes(new Shape[] {ids})[0];
        embedding.initialize(manager, dataType, ids);
        positions.initialize(manager, dataType, embedded);
        dropout.initialize(manager, dataType, embedded);
        encoder.initialize(manager, dataType, embedded);
        classifier.initialize(manager, dataType, new Shape(ids.get(0), config.embeddingSize()));
    }

    /**
     * The hyper-parameters; defaults suit SST-2-sized data on a CPU.
     *
     * @param vocabSize V, required
     * @param embeddingSize E, the model size, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param heads N, must divide E, default {@value #DEFAULT_HEADS}
     * @param feedForwardSize the hidden size of each feed-forward block, default
     *     {@value #DEFAULT_FEED_FORWARD_SIZE}
     * @param numLayers encoder layers, default {@value #DEFAULT_LAYERS}
     * @param dropout on the embeddings, inside the encoder and before the classifier, default
     *     {@value #DEFAULT_DROPOUT}
     * @param activation of the feed-forward blocks, default RELU
     * @param normPlacement default PRE, which trains steadily from scratch without warm-up
     * @param numClasses C, required
     * @param padId the padding id, default 0 (WordVocabulary's)
     */
    public record Config(
            @JsonRecords.Required int vocabSize,
            int embeddingSize,
            @JsonRecords.Key("num_heads") int heads,
            int feedForwardSize,
            int numLayers,
            float dropout,
            Activation activation,
            NormPlacement normPlacement,
            @JsonRecords.Required int numClasses,
            int padId) implements ClassifierConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 128;
        public static final int DEFAULT_HEADS = 4;
        public static final int DEFAULT_FEED_FORWARD_SIZE = 256;
        public static final int DEFAULT_LAYERS = 2;
        public static final float DEFAULT_DROPOUT = 0.1f;
        public static final Activation DEFAULT_ACTIVATION = Activation.RELU;
        public static final NormPlacement DEFAULT_NORM_PLACEMENT = NormPlacement.PRE;
        public static final int DEFAULT_PAD_ID = 0;

        private static final String EMBEDDING_SIZE = "embedding_size";
        private static final String HEADS = "num_heads";
        private static final String FEED_FORWARD_SIZE = "feed_forward_size";
        private static final String NUM_LAYERS = "num_layers";

        public Config {
            String model = ModelType.TRANSFORMER.configName();
            ConfigJson.checkCommon(model, vocabSize, numClasses, padId, dropout);
            ConfigChecks.positive(model, EMBEDDING_SIZE, embeddingSize);
            ConfigChecks.positive(model, HEADS, heads);
            ConfigChecks.positive(model, FEED_FORWARD_SIZE, feedForwardSize);
            ConfigChecks.positive(model, NUM_LAYERS, numLayers);
            if (embeddingSize % heads != 0) {
                throw new IllegalArgumentException(model + ": " + HEADS + " " + heads + " does not divide "
                        + EMBEDDING_SIZE + " " + embeddingSize + "; choose a number of heads that divides it");
            }
            if (activation == null || normPlacement == null) {
                throw new IllegalArgumentException(model + ": activation and norm placement are required, e.g. "
                        + DEFAULT_ACTIVATION + " and " + DEFAULT_NORM_PLACEMENT);
            }
        }

        /** The defaults for a vocabulary of {@code vocabSize} and {@code numClasses} classes. */
        public static Config of(int vocabSize, int numClasses) {
            return new Config(vocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_HEADS, DEFAULT_FEED_FORWARD_SIZE,
                    DEFAULT_LAYERS, DEFAULT_DROPOUT, DEFAULT_ACTIVATION, DEFAULT_NORM_PLACEMENT, numClasses,
                    DEFAULT_PAD_ID);
        }

        /** The per-layer settings of the encoder. */
        public TransformerLayerConfig layerConfig() {
            return new TransformerLayerConfig(embeddingSize, heads, feedForwardSize, dropout, activation,
                    normPlacement, LayerNorm.DEFAULT_EPS);
        }

        @Override
        public ModelType modelType() {
            return ModelType.TRANSFORMER;
        }


        /** Reads {@link ClassifierConfig#toJson()}'s form; {@code vocab_size} and {@code num_classes} are required. */
        public static Config fromJson(JsonObject json) {
            return ConfigJson.TYPES.read(json, Config.class, of(ConfigJson.ANY_VOCAB_SIZE, ConfigJson.ANY_NUM_CLASSES),
                    ModelType.TRANSFORMER);
        }
    }
}
