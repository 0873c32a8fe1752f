package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.ConfigBuilder;
import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.config.JsonRecords;

import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.recurrent.Lstm;
import dev.nlptoolkit.models.recurrent.RecurrentInput;
import dev.nlptoolkit.models.recurrent.RecurrentOutput;
import dev.nlptoolkit.models.recurrent.Rnn;


/**
 * A recurrent text classifier: token embedding, an Elman RNN (Elman 1990) or LSTM (Hochreiter and
 * Schmidhuber 1997), optionally bidirectional, whose last layer's final hidden states (forward then
 * backward, as torch's {@code cat(h_n[-2], h_n[-1])}) go through dropout to a linear layer. Padding is
 * exact: each sequence stops at its length.
 *
 * <p>Shapes: ids and mask (B, T) -> logits (B, C); representation (B, D*H), D directions, H hidden
 * size. Children {@code embedding}, {@code rnn}, {@code dropout}, {@code classifier}.
 */
public final class RecurrentClassifier extends ClassifierBlock<RecurrentClassifier.Config> {


    private final AbstractBlock rnn;
    private final Dropout dropout;
    private final Linear classifier;

    private RecurrentClassifier(Config config) {
        super(config);
        rnn = addChildBlock("rnn", config.cell() == Cell.LSTM
                ? Lstm.builder().setHiddenSize(config.hiddenSize()).optNumLayers(config.numLayers())
                        .optBidirectional(config.bidirectional()).optDropout(config.dropout()).build()
                : Rnn.builder().setHiddenSize(config.hiddenSize()).optNumLayers(config.numLayers())
                        .optBidirectional(config.bidirectional()).optDropout(config.dropout()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numClasses()).build());
    }

    public static ConfigBuilder<Config, RecurrentClassifier> builder() {
        return new ConfigBuilder<>("RecurrentClassifier", "Config.of(Cell.LSTM, vocabSize, numClasses)",
                RecurrentClassifier::new);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        RecurrentInput sequence = RecurrentInput.of(embeddings).withLengths(input.lengths());
        RecurrentOutput out = RecurrentOutput.fromNDList(rnn.forward(parameterStore, sequence.toNDList(), training));
        NDArray hN = out.hN();
        long batch = embeddings.getShape().get(0);
        int directions = config.directions();
        // (L*D, B, H) -> (D, B, H), the last layer -> (B, D, H) -> (B, D*H)
        NDArray last = hN.get(new NDIndex("{}:", (long) (config.numLayers() - 1) * directions));
        NDArray representation = last.transpose(1, 0, 2).reshape(batch, (long) directions * config.hiddenSize());
        NDArray dropped = dropout.forward(parameterStore, new NDList(representation), training).singletonOrThrow();
        // (B, D*H) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
        return new ClassifierOutput(logits, representation, null);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embedding.initialize(manager, dataType, ids);
        rnn.initialize(manager, dataType, embedding.getOutputShapes(new Shape[] {ids}));
        Shape pooled = new Shape(ids.get(0), (long) config.directions() * config.hiddenSize());
        dropout.initialize(manager, dataType, pooled);
        classifier.initialize(manager, dataType, pooled);
    }

    /** The recurrent cell: {@code model_type} {@code rnn} or {@code lstm}. */
    public enum Cell {
        RNN(ModelType.RNN),
        LSTM(ModelType.LSTM);

        private final ModelType modelType;

        Cell(ModelType modelType) {
            this.modelType = modelType;
        }

        static Cell of(ModelType type) {
            return type == ModelType.LSTM ? LSTM : RNN;
        }
    }

    /**
     * The hyper-parameters; defaults suit SST-2-sized data (tens of thousands of short sentences) on a CPU.
     *
     * @param cell RNN or LSTM
     * @param vocabSize V, required
     * @param embeddingSize E, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param hiddenSize H per direction, default {@value #DEFAULT_HIDDEN_SIZE}
     * @param numLayers L, default {@value #DEFAULT_LAYERS}
     * @param bidirectional whether a reverse direction reads the text too, default true
     * @param dropout between recurrent layers and before the classifier, default {@value #DEFAULT_DROPOUT}
     * @param numClasses C, required
     * @param padId the padding id, default 0 (WordVocabulary's)
     */
    public record Config(
            @JsonRecords.Skip Cell cell,
            @JsonRecords.Required int vocabSize,
            int embeddingSize,
            int hiddenSize,
            int numLayers,
            boolean bidirectional,
            float dropout,
            @JsonRecords.Required int numClasses,
            int padId) implements ClassifierConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 128;
        public static final int DEFAULT_HIDDEN_SIZE = 128;
        public static final int DEFAULT_LAYERS = 1;
        public static final boolean DEFAULT_BIDIRECTIONAL = true;
        public static final float DEFAULT_DROPOUT = 0.3f;
        public static final int DEFAULT_PAD_ID = 0;

        private static final String EMBEDDING_SIZE = "embedding_size";
        private static final String HIDDEN_SIZE = "hidden_size";
        private static final String NUM_LAYERS = "num_layers";

        public Config {
            if (cell == null) {
                throw new IllegalArgumentException("the recurrent cell is required: Cell.RNN or Cell.LSTM");
            }
            String model = cell.modelType.configName();
            ConfigJson.checkCommon(model, vocabSize, numClasses, padId, dropout);
            ConfigChecks.positive(model, EMBEDDING_SIZE, embeddingSize);
            ConfigChecks.positive(model, HIDDEN_SIZE, hiddenSize);
            ConfigChecks.positive(model, NUM_LAYERS, numLayers);
        }

        /** The defaults for a vocabulary of {@code vocabSize} and {@code numClasses} classes. */
        public static Config of(Cell cell, int vocabSize, int numClasses) {
            return new Config(cell, vocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_HIDDEN_SIZE, DEFAULT_LAYERS,
                    DEFAULT_BIDIRECTIONAL, DEFAULT_DROPOUT, numClasses, DEFAULT_PAD_ID);
        }

        /** D, 2 when bidirectional. */
        public int directions() {
            return bidirectional ? 2 : 1;
        }

        @Override
        public ModelType modelType() {
            return cell.modelType;
        }


        /** Reads {@link ClassifierConfig#toJson()}'s form; {@code vocab_size} and {@code num_classes} are required. */
        public static Config fromJson(JsonObject json) {
            ModelType type = ConfigJson.TYPES.type(json, ModelType.RNN, ModelType.LSTM);
            return ConfigJson.TYPES.read(json, Config.class,
                    of(Cell.of(type), ConfigJson.ANY_VOCAB_SIZE, ConfigJson.ANY_NUM_CLASSES), type);
        }
    }
}
