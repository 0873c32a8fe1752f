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

import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.rcnn.Rcnn;
import dev.nlptoolkit.models.recurrent.RecurrentInput;


/**
 * The recurrent convolutional text classifier of Lai et al. 2015 ("Recurrent Convolutional Neural
 * Networks for Text Classification"): embedding, dropout, the {@link Rcnn} encoder (left context,
 * word, right context, tanh projection, max over the real words), dropout, linear layer.
 *
 * <p>Shapes: ids and mask (B, T) -> logits (B, C); representation (B, L), L the latent size. No token
 * weights. Children {@code embedding}, {@code dropout}, {@code rcnn}, {@code classifier}.
 */
public final class RcnnClassifier extends ClassifierBlock<RcnnClassifier.Config> {


    private final Dropout dropout;
    private final Rcnn rcnn;
    private final Linear classifier;

    private RcnnClassifier(Config config) {
        super(config);
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        rcnn = addChildBlock("rcnn", Rcnn.builder()
                .setContextSize(config.contextSize())
                .setLatentSize(config.latentSize())
                .optContext(config.context())
                .build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numClasses()).build());
    }

    public static ConfigBuilder<Config, RcnnClassifier> builder() {
        return new ConfigBuilder<>("RcnnClassifier", "Config.of(vocabSize, numClasses)", RcnnClassifier::new);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        NDArray x = dropout.forward(parameterStore, new NDList(embeddings), training).singletonOrThrow();
        RecurrentInput sequence = RecurrentInput.of(x).withLengths(input.lengths());
        // (B, T, E) -> (B, L)
        NDArray representation = rcnn.forward(parameterStore, sequence.toNDList(), training).singletonOrThrow();
        NDArray dropped = dropout.forward(parameterStore, new NDList(representation), training).singletonOrThrow();
        // (B, L) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
        return new ClassifierOutput(logits, representation, null);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape embedded = embedding.getOutputShapes(new Shape[] {ids})[0];
        embedding.initialize(manager, dataType, ids);
        dropout.initialize(manager, dataType, embedded);
        rcnn.initialize(manager, dataType, embedded);
        classifier.initialize(manager, dataType, rcnn.getOutputShapes(new Shape[] {embedded})[0]);
    }

    /**
     * The hyper-parameters; defaults suit SST-2-sized data on a CPU.
     *
     * @param vocabSize V, required
     * @param embeddingSize E, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param contextSize the hidden size of each direction of the context recurrence, default
     *     {@value #DEFAULT_CONTEXT_SIZE}
     * @param latentSize L, the tanh projection's size, default {@value #DEFAULT_LATENT_SIZE}
     * @param context the context recurrence, default LSTM
     * @param dropout on the embeddings and before the classifier, default {@value #DEFAULT_DROPOUT}
     * @param numClasses C, required
     * @param padId the padding id, default 0 (WordVocabulary's)
     */
    public record Config(
            @JsonRecords.Required int vocabSize,
            int embeddingSize,
            int contextSize,
            int latentSize,
            Rcnn.Context context,
            float dropout,
            @JsonRecords.Required int numClasses,
            int padId) implements ClassifierConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 128;
        public static final int DEFAULT_CONTEXT_SIZE = 128;
        public static final int DEFAULT_LATENT_SIZE = 128;
        public static final Rcnn.Context DEFAULT_CONTEXT = Rcnn.Context.LSTM;
        public static final float DEFAULT_DROPOUT = 0.3f;
        public static final int DEFAULT_PAD_ID = 0;

        private static final String EMBEDDING_SIZE = "embedding_size";
        private static final String CONTEXT_SIZE = "context_size";
        private static final String LATENT_SIZE = "latent_size";

        public Config {
            String model = ModelType.RCNN.configName();
            ConfigJson.checkCommon(model, vocabSize, numClasses, padId, dropout);
            ConfigChecks.positive(model, EMBEDDING_SIZE, embeddingSize);
            ConfigChecks.positive(model, CONTEXT_SIZE, contextSize);
            ConfigChecks.positive(model, LATENT_SIZE, latentSize);
            if (context == null) {
                throw new IllegalArgumentException(model + ": the context recurrence is required, e.g. " + DEFAULT_CONTEXT);
            }
        }

        /** The defaults for a vocabulary of {@code vocabSize} and {@code numClasses} classes. */
        public static Config of(int vocabSize, int numClasses) {
            return new Config(vocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_CONTEXT_SIZE, DEFAULT_LATENT_SIZE,
                    DEFAULT_CONTEXT, DEFAULT_DROPOUT, numClasses, DEFAULT_PAD_ID);
        }

        @Override
        public ModelType modelType() {
            return ModelType.RCNN;
        }


        /** Reads {@link ClassifierConfig#toJson()}'s form; {@code vocab_size} and {@code num_classes} are required. */
        public static Config fromJson(JsonObject json) {
            return ConfigJson.TYPES.read(json, Config.class, of(ConfigJson.ANY_VOCAB_SIZE, ConfigJson.ANY_NUM_CLASSES),
                    ModelType.RCNN);
        }
    }
}
