package dev.nlptoolkit.models.seq2seq;

import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.ndarray.NativeArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.ConfigBuilder;
import dev.nlptoolkit.core.config.JsonRecords;
import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.embedding.TokenEmbedding;
import dev.nlptoolkit.models.linear.Linears;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.DecoderInput;
import dev.nlptoolkit.models.transformer.DecoderState;
import dev.nlptoolkit.models.transformer.LayerNorm;
import dev.nlptoolkit.models.transformer.LearnedPositionalEmbedding;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.transformer.SinusoidalPositionalEncoding;
import dev.nlptoolkit.models.transformer.TransformerDecoder;
import dev.nlptoolkit.models.transformer.TransformerEncoder;
import dev.nlptoolkit.models.transformer.TransformerLayerConfig;

/**
 * A Transformer encoder-decoder (Vaswani et al. 2017, "Attention Is All You Need") from our
 * {@link TransformerEncoder} and {@link TransformerDecoder} (post- or pre-LN): token embeddings
 * scaled by sqrt(E) (an option), sinusoidal or learned positions, dropout; source and target
 * embeddings shared as an option (a joint vocabulary), and the output layer tied to the target
 * embedding as an option (Press and Wolf 2017), as fairseq's {@code --share-all-embeddings} and
 * {@code --share-decoder-input-output-embed}. Incremental decoding caches keys and values per layer
 * in place ({@link DecoderState}).
 *
 * <p>Shapes: B batch, S source, T target, E model size, V target vocabulary. Children, named as the
 * torch reference's modules: {@code source_embedding}, {@code target_embedding} (absent when shared),
 * {@code source_positions} and {@code target_positions} (learned positions only), {@code dropout},
 * {@code encoder}, {@code decoder}, {@code output_projection} (absent when tied; no bias, as fairseq).
 */
public final class TransformerSeq2Seq extends Seq2SeqBlock<TransformerSeq2Seq.Config> {

    /** Heads N in attention probabilities (B, N, Tq, S). */
    private static final int HEAD_AXIS = 1;

    private final float embeddingScale;
    private final TokenEmbedding sourceEmbedding;
    private final TokenEmbedding targetEmbedding;
    private final SinusoidalPositionalEncoding sinusoidal;
    private final LearnedPositionalEmbedding sourcePositions;
    private final LearnedPositionalEmbedding targetPositions;
    private final Dropout dropout;
    private final TransformerEncoder encoder;
    private final TransformerDecoder decoder;
    private final Linear outputProjection;

    private TransformerSeq2Seq(Config config) {
        super(config);
        embeddingScale = config.scaleEmbedding() ? (float) Math.sqrt(config.embeddingSize()) : 1f;
        sourceEmbedding = addChildBlock("source_embedding", scaledEmbedding(config.sourceVocabSize()));
        targetEmbedding = config.shareEmbeddings()
                ? sourceEmbedding
                : addChildBlock("target_embedding", scaledEmbedding(config.targetVocabSize()));
        boolean learned = config.positions() == PositionEncoding.LEARNED;
        sinusoidal = learned ? null : SinusoidalPositionalEncoding.builder().build();
        sourcePositions = learned ? addChildBlock("source_positions", positions()) : null;
        targetPositions = learned ? addChildBlock("target_positions", positions()) : null;
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        encoder = addChildBlock("encoder",
                TransformerEncoder.builder().setConfig(config.layerConfig()).setLayers(config.encoderLayers()).build());
        decoder = addChildBlock("decoder",
                TransformerDecoder.builder().setConfig(config.layerConfig()).setLayers(config.decoderLayers()).build());
        outputProjection = config.tieOutputEmbedding()
                ? null
                : addChildBlock("output_projection",
                        Linear.builder().setUnits(config.targetVocabSize()).optBias(false).build());
    }

    private TokenEmbedding scaledEmbedding(int rows) {
        // rows N(0, 1/E), so that after the sqrt(E) scaling they are of unit size, as fairseq does
        return embedding(rows).optInitStd((float) (1 / Math.sqrt(config.embeddingSize()))).build();
    }

    private LearnedPositionalEmbedding positions() {
        return LearnedPositionalEmbedding.builder().setMaxLength(config.maxPositions())
                .setEmbedDim(config.embeddingSize()).build();
    }

    public static ConfigBuilder<Config, TransformerSeq2Seq> builder() {
        return new ConfigBuilder<>("TransformerSeq2Seq", "Config.of(sourceVocabSize, targetVocabSize)",
                TransformerSeq2Seq::new);
    }

    @Override
    public int maxTargetPositions() {
        return config.positions() == PositionEncoding.LEARNED ? config.maxPositions() : Integer.MAX_VALUE;
    }

    /** Memory (B, S, E). */
    @Override
    public EncoderOutput encode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask, boolean training) {
        NDArray x = embed(ps, sourceEmbedding, sourcePositions, sourceIds, 0, training);
        NDArray memory = encoder.encode(ps, AttentionInput.selfAttention(x, sourceMask), training);
        return new EncoderOutput(memory, sourceMask, new NDList());
    }

    /** ids (B, T) -> dropout(scale * embedding + positions from {@code offset}) (B, T, E). */
    private NDArray embed(ParameterStore ps, TokenEmbedding table, LearnedPositionalEmbedding learned, NDArray ids,
            long offset, boolean training) {
        return embed(ps, table, learned, ids, offset, null, training);
    }

    /**
     * As {@link #embed(ParameterStore, TokenEmbedding, LearnedPositionalEmbedding, NDArray, long, boolean)},
     * with sinusoidal positions read from {@code positions} (rows from position 0, at least offset + T of
     * them), made once for many decoding steps; null makes the rows here.
     */
    private NDArray embed(ParameterStore ps, TokenEmbedding table, LearnedPositionalEmbedding learned, NDArray ids,
            long offset, NDArray positions, boolean training) {
        NDArray x = NativeArrays.mul(table.embed(ps, ids, training), embeddingScale);
        if (learned != null) {
            x = learned.encode(ps, x, offset, training);
        } else if (positions != null) {
            long length = ids.getShape().get(TIME_AXIS);
            x = x.add(positions.get(x.getManager(), new NDIndex().addSliceDim(offset, offset + length)));
        } else {
            x = sinusoidal.encode(x, offset);
        }
        return dropout.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public NDArray forwardTeacherForced(
            ParameterStore ps, EncoderOutput encoded, NDArray targetInputIds, NDArray targetMask, boolean training) {
        NDArray y = embed(ps, targetEmbedding, targetPositions, targetInputIds, 0, training);
        NDArray out = decoder.decode(ps, new DecoderInput(y, targetMask, encoded.memory(), encoded.mask()), training);
        return project(ps, out, training);
    }

    /** The decoder over the whole prefix, and the output layer on its last position only. */
    @Override
    public NDArray nextTokenLogits(ParameterStore ps, EncoderOutput encoded, NDArray prefixIds) {
        NDArray y = embed(ps, targetEmbedding, targetPositions, prefixIds, 0, false);
        NDArray out = decoder.decode(ps, new DecoderInput(y, null, encoded.memory(), encoded.mask()), false);
        // (B, t, E) -> (B, E) -> (B, V)
        return project(ps, out.get(":, -1"), false);
    }

    /** (..., E) -> logits (..., V), through the target embedding when tied. */
    private NDArray project(ParameterStore ps, NDArray x, boolean training) {
        if (outputProjection != null) {
            return Linears.forward(ps, outputProjection, x, training);
        }
        NDArray table = targetEmbedding.table(ps, x.getDevice(), training);
        // (..., E) x (E, V)
        return Linear.linear(x, table).singletonOrThrow();
    }

    @Override
    public DecoderCache startDecoding(ParameterStore ps, EncoderOutput encoded, int capacity) {
        NDManager owner = encoded.memory().getManager().newSubManager();
        return new Cache(decoder.start(ps, encoded.memory(), encoded.mask(), owner, capacity, false),
                Math.max(capacity, 1), encoded.memory().getDataType());
    }

    @Override
    public NDArray step(ParameterStore ps, DecoderCache decoderCache, NDArray lastTokens) {
        Cache cache = (Cache) decoderCache;
        DecoderState state = cache.state;
        // (B') -> (B', 1) -> (B', 1, E)
        NDArray positions = sinusoidal == null ? null : cache.positions(state.length() + 1);
        NDArray y = embed(ps, targetEmbedding, targetPositions, lastTokens.expandDims(TIME_AXIS), state.length(),
                positions, false);
        TransformerDecoder.Step step = decoder.step(ps, y, state, false);
        cache.setAttention(step.memoryAttention());
        // (B', 1, E) -> (B', V)
        return project(ps, step.output().squeeze(TIME_AXIS), false);
    }

    /**
     * The Transformer's {@link DecoderCache}: the decoder state, the latest alignment and the sinusoidal
     * positions of the steps (one table instead of a dozen operators per step), in the state's owner.
     */
    private final class Cache implements DecoderCache {
        private final DecoderState state;
        private final DataType dataType;
        /** Rows of the first positions table: the capacity the search asked for. */
        private final long initialPositionRows;
        private NDArray positions;
        /** The last step's cross-attention per head (B', N, 1, S), and its head average once asked for. */
        private NDArray headAttention;
        private NDArray attention;

        Cache(DecoderState state, long initialPositionRows, DataType dataType) {
            this.state = state;
            this.dataType = dataType;
            this.initialPositionRows = initialPositionRows;
        }

        /** The sinusoidal encodings (R, E) of positions 0 .. R - 1, R >= {@code rows}, doubling R when short. */
        NDArray positions(long rows) {
            if (positions == null || positions.getShape().get(0) < rows) {
                long size = Math.max(rows, positions == null ? initialPositionRows : 2 * positions.getShape().get(0));
                try (NDManager scope = state.owner().newSubManager()) {
                    NDArray table = SinusoidalPositionalEncoding.table(scope, 0, size, config.embeddingSize())
                            .toType(dataType, false);
                    table.attach(state.owner());
                    if (positions != null) {
                        positions.close();
                    }
                    positions = table;
                }
            }
            return positions;
        }

        void setAttention(NDArray headWeights) {
            closeAttention();
            headWeights.attach(state.owner());
            headAttention = headWeights;
        }

        private void closeAttention() {
            if (headAttention != null) {
                headAttention.close();
                headAttention = null;
            }
            if (attention != null) {
                attention.close();
                attention = null;
            }
        }

        @Override
        public long batchSize() {
            return state.batchSize();
        }

        @Override
        public long length() {
            return state.length();
        }

        @Override
        public void reorder(NDArray order) {
            state.reorder(order);
            if (headAttention != null) {
                NDArray kept = headAttention.get(state.owner(), new NDIndex("{}", order));
                closeAttention();
                headAttention = kept;
            }
        }

        /** Averaged over heads here, not at every step: most searches never ask for the alignment. */
        @Override
        public NDArray lastAttention() {
            if (attention == null && headAttention != null) {
                // (B', N, 1, S) -> (B', S), in the owner, as the per-head weights are
                attention = headAttention.mean(new int[] {HEAD_AXIS}).squeeze(TIME_AXIS);
            }
            return attention;
        }

        @Override
        public void close() {
            state.close();
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape token = new Shape(1, 1, config.embeddingSize());
        sourceEmbedding.initialize(manager, dataType, inputShapes[0]);
        if (targetEmbedding != sourceEmbedding) {
            targetEmbedding.initialize(manager, dataType, inputShapes[2]);
        }
        if (sourcePositions != null) {
            sourcePositions.initialize(manager, dataType, token);
            targetPositions.initialize(manager, dataType, token);
        }
        dropout.initialize(manager, dataType, token);
        encoder.initialize(manager, dataType, token);
        decoder.initialize(manager, dataType, token, token);
        if (outputProjection != null) {
            outputProjection.initialize(manager, dataType, token);
        }
    }

    /**
     * The hyper-parameters; defaults are a small Transformer for Multi30k-sized data on a CPU.
     *
     * @param sourceVocabSize rows of the source embedding, required
     * @param targetVocabSize V, required
     * @param embeddingSize E, the model size, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param heads N, must divide E, default {@value #DEFAULT_HEADS}
     * @param feedForwardSize the hidden size of each feed-forward block, default {@value #DEFAULT_FEED_FORWARD_SIZE}
     * @param encoderLayers default {@value #DEFAULT_LAYERS}
     * @param decoderLayers default {@value #DEFAULT_LAYERS}
     * @param dropout on embeddings, attention weights and sublayer outputs, default {@value #DEFAULT_DROPOUT}
     * @param activation of the feed-forward blocks, default RELU
     * @param normPlacement default PRE, which trains steadily; POST is the original Transformer
     * @param positions default SINUSOIDAL
     * @param maxPositions learned positions per side (the longest source and output, bos included),
     *     default {@value #DEFAULT_MAX_POSITIONS}; unused by sinusoidal positions
     * @param shareEmbeddings one table for source and target (needs equal vocabulary sizes), default false
     * @param tieOutputEmbedding the output layer is the target embedding transposed, default true
     * @param scaleEmbedding multiply embeddings by sqrt(E), default true
     * @param padId the padding id of both vocabularies, default 0
     */
    public record Config(
            @JsonRecords.Required int sourceVocabSize,
            @JsonRecords.Required int targetVocabSize,
            int embeddingSize,
            @JsonRecords.Key("num_heads") int heads,
            int feedForwardSize,
            int encoderLayers,
            int decoderLayers,
            float dropout,
            Activation activation,
            NormPlacement normPlacement,
            PositionEncoding positions,
            int maxPositions,
            boolean shareEmbeddings,
            boolean tieOutputEmbedding,
            boolean scaleEmbedding,
            int padId) implements Seq2SeqConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 256;
        public static final int DEFAULT_HEADS = 4;
        public static final int DEFAULT_FEED_FORWARD_SIZE = 1024;
        public static final int DEFAULT_LAYERS = 3;
        public static final float DEFAULT_DROPOUT = 0.1f;
        public static final Activation DEFAULT_ACTIVATION = Activation.RELU;
        public static final NormPlacement DEFAULT_NORM_PLACEMENT = NormPlacement.PRE;
        public static final PositionEncoding DEFAULT_POSITIONS = PositionEncoding.SINUSOIDAL;
        public static final int DEFAULT_MAX_POSITIONS = 256;
        public static final int DEFAULT_PAD_ID = 0;

        public Config {
            String model = Seq2SeqModelType.TRANSFORMER.configName();
            Seq2SeqConfigJson.checkCommon(model, sourceVocabSize, targetVocabSize, padId, dropout);
            ConfigChecks.positive(model, "embedding_size", embeddingSize);
            ConfigChecks.positive(model, "num_heads", heads);
            ConfigChecks.positive(model, "feed_forward_size", feedForwardSize);
            ConfigChecks.positive(model, "encoder_layers", encoderLayers);
            ConfigChecks.positive(model, "decoder_layers", decoderLayers);
            ConfigChecks.positive(model, "max_positions", maxPositions);
            ConfigChecks.required(model, "activation", activation);
            ConfigChecks.required(model, "norm_placement", normPlacement);
            ConfigChecks.required(model, "positions", positions);
            if (embeddingSize % heads != 0) {
                throw new IllegalArgumentException(model + ": num_heads " + heads + " does not divide embedding_size "
                        + embeddingSize + "; choose a number of heads that divides it");
            }
            if (shareEmbeddings && sourceVocabSize != targetVocabSize) {
                throw new IllegalArgumentException(model + ": share_embeddings needs one joint vocabulary, but "
                        + "source_vocab_size is " + sourceVocabSize + " and target_vocab_size " + targetVocabSize);
            }
        }

        /** The defaults for these vocabularies. */
        public static Config of(int sourceVocabSize, int targetVocabSize) {
            return new Config(sourceVocabSize, targetVocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_HEADS,
                    DEFAULT_FEED_FORWARD_SIZE, DEFAULT_LAYERS, DEFAULT_LAYERS, DEFAULT_DROPOUT, DEFAULT_ACTIVATION,
                    DEFAULT_NORM_PLACEMENT, DEFAULT_POSITIONS, DEFAULT_MAX_POSITIONS, false, true, true,
                    DEFAULT_PAD_ID);
        }

        /** The per-layer settings of encoder and decoder. */
        public TransformerLayerConfig layerConfig() {
            return new TransformerLayerConfig(embeddingSize, heads, feedForwardSize, dropout, activation,
                    normPlacement, LayerNorm.DEFAULT_EPS);
        }

        @Override
        public Seq2SeqModelType modelType() {
            return Seq2SeqModelType.TRANSFORMER;
        }

        /** Reads {@link Seq2SeqConfig#toJson()}'s form; the vocabulary sizes are required. */
        public static Config fromJson(JsonObject json) {
            return Seq2SeqConfigJson.TYPES.read(json, Config.class,
                    of(Seq2SeqConfigJson.ANY_VOCAB_SIZE, Seq2SeqConfigJson.ANY_VOCAB_SIZE),
                    Seq2SeqModelType.TRANSFORMER);
        }
    }
}
