package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import dev.nlptoolkit.models.attention.AdditiveAttention;
import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.AttentionOutput;
import dev.nlptoolkit.models.attention.LuongScore;
import dev.nlptoolkit.models.attention.MultiplicativeAttention;
import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.embedding.TokenEmbedding;
import dev.nlptoolkit.models.linear.Linears;
import dev.nlptoolkit.models.recurrent.Lstm;
import dev.nlptoolkit.models.recurrent.RecurrentInput;
import dev.nlptoolkit.models.recurrent.RecurrentOutput;


/**
 * An attentional LSTM encoder-decoder (Luong, Pham and Manning 2015, "Effective Approaches to
 * Attention-based Neural Machine Translation", with input feeding; Bahdanau et al. 2015's additive
 * score as an option, as OpenNMT's {@code global_attention mlp}). A bidirectional LSTM reads the
 * source; a bridge maps each layer's final forward and backward states to the decoder's initial
 * state, h0 = tanh(W_h [h_fwd; h_bwd] + b), c0 likewise with W_c; at each step the decoder LSTM reads
 * the previous target embedding with the previous attentional state, attends with its output o_t
 * over the encoder states, and forms the attentional state h~_t = tanh(W_o [context; o_t]) from which
 * the output layer predicts the next token.
 *
 * <p>Shapes: B batch, S source, T target, E embedding, He encoder size per direction, Hd decoder
 * size, L layers (encoder and decoder alike), V target vocabulary. Children, named as the torch
 * reference's modules: {@code source_embedding}, {@code target_embedding}, {@code encoder},
 * {@code bridge_h}, {@code bridge_c}, {@code decoder}, {@code attention}, {@code attention_out},
 * {@code output_projection}, {@code dropout}.
 */
public final class LstmAttentionSeq2Seq extends Seq2SeqBlock<LstmAttentionSeq2Seq.Config> {

    private static final int FEATURE_AXIS = 2;
    /** A bidirectional encoder's states come forward then backward per layer. */
    private static final int DIRECTIONS = 2;

    private final TokenEmbedding sourceEmbedding;
    private final TokenEmbedding targetEmbedding;
    private final Lstm encoder;
    private final Linear bridgeH;
    private final Linear bridgeC;
    private final Lstm decoder;
    private final AbstractBlock attention;
    private final Linear attentionOut;
    private final Linear outputProjection;
    private final Dropout dropout;

    private LstmAttentionSeq2Seq(Config config) {
        super(config);
        sourceEmbedding = addChildBlock("source_embedding", embedding(config.sourceVocabSize()).build());
        targetEmbedding = addChildBlock("target_embedding", embedding(config.targetVocabSize()).build());
        encoder = addChildBlock("encoder", Lstm.builder().setHiddenSize(config.encoderHiddenSize())
                .optNumLayers(config.numLayers()).optBidirectional(true).optDropout(config.dropout()).build());
        bridgeH = addChildBlock("bridge_h", Linear.builder().setUnits(config.decoderHiddenSize()).build());
        bridgeC = addChildBlock("bridge_c", Linear.builder().setUnits(config.decoderHiddenSize()).build());
        decoder = addChildBlock("decoder", Lstm.builder().setHiddenSize(config.decoderHiddenSize())
                .optNumLayers(config.numLayers()).optDropout(config.dropout()).build());
        attention = addChildBlock("attention", switch (config.attention()) {
            case ADDITIVE -> AdditiveAttention.builder().setUnits(config.attentionSize()).build();
            case GENERAL -> MultiplicativeAttention.builder().setQuerySize(config.decoderHiddenSize())
                    .optScore(LuongScore.GENERAL).build();
            case DOT -> MultiplicativeAttention.builder().setQuerySize(config.decoderHiddenSize())
                    .optScore(LuongScore.DOT).build();
        });
        attentionOut = addChildBlock("attention_out",
                Linear.builder().setUnits(config.decoderHiddenSize()).optBias(false).build());
        outputProjection = addChildBlock("output_projection",
                Linear.builder().setUnits(config.targetVocabSize()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
    }

    public static ConfigBuilder<Config, LstmAttentionSeq2Seq> builder() {
        return new ConfigBuilder<>("LstmAttentionSeq2Seq", "Config.of(sourceVocabSize, targetVocabSize)",
                LstmAttentionSeq2Seq::new);
    }

    @Override
    public int maxTargetPositions() {
        return Integer.MAX_VALUE;
    }

    /** Memory (B, S, 2He), zero at padding, and the bridged decoder state h0, c0 (L, B, Hd). */
    @Override
    public EncoderOutput encode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask, boolean training) {
        NDArray embedded = drop(ps, sourceEmbedding.embed(ps, sourceIds, training), training);
        // (B, S) -> (B): every source must hold at least one real token
        NDArray lengths = sourceMask.neq(0).toType(DataType.INT64, false).sum(new int[] {TIME_AXIS});
        RecurrentOutput out = RecurrentOutput.fromNDList(encoder.forward(
                ps, RecurrentInput.of(embedded).withLengths(lengths).toNDList(), training));
        NDList initial = new NDList(bridge(ps, bridgeH, out.hN(), training), bridge(ps, bridgeC, out.cN(), training));
        return new EncoderOutput(out.output(), sourceMask, initial);
    }

    /** (2L, B, He), forward and backward per layer -> tanh(W [fwd; bwd] + b) (L, B, Hd). */
    private NDArray bridge(ParameterStore ps, Linear linear, NDArray state, boolean training) {
        Shape s = state.getShape();
        long layers = s.get(0) / DIRECTIONS;
        // (2L, B, He) -> (L, 2, B, He) -> (L, B, 2, He) -> (L, B, 2He)
        NDArray joined = state.reshape(layers, DIRECTIONS, s.get(1), s.get(2)).transpose(0, 2, 1, 3)
                .reshape(layers, s.get(1), DIRECTIONS * s.get(2));
        return Linears.forward(ps, linear, joined, training).tanh();
    }

    @Override
    public NDArray forwardTeacherForced(
            ParameterStore ps, EncoderOutput encoded, NDArray targetInputIds, NDArray targetMask, boolean training) {
        NDArray embedded = drop(ps, targetEmbedding.embed(ps, targetInputIds, training), training);
        long steps = embedded.getShape().get(TIME_AXIS);
        State state = State.initial(encoded, config.decoderHiddenSize());
        NDList attentional = new NDList();
        for (long t = 0; t < steps; t++) {
            // (B, T, E) -> (B, E)
            state = decodeStep(ps, embedded.get(new NDIndex(":, {}", t)), state, encoded, training);
            attentional.add(state.feed());
        }
        // T x (B, Hd) -> (B, T, Hd) -> (B, T, V)
        NDArray stacked = drop(ps, NDArrays.stack(attentional, TIME_AXIS), training);
        return Linears.forward(ps, outputProjection, stacked, training);
    }

    /**
     * The decoder's state between steps: LSTM h and c (L, B, Hd), the attentional state h~ (B, Hd) fed
     * to the next input, and the latest attention weights (B, S), null before the first step.
     */
    private record State(NDArray h, NDArray c, NDArray feed, NDArray weights) {

        static State initial(EncoderOutput encoded, int hidden) {
            NDArray h0 = encoded.initialState().get(0);
            return new State(h0, encoded.initialState().get(1),
                    h0.getManager().zeros(new Shape(encoded.batchSize(), hidden), h0.getDataType(), h0.getDevice()),
                    null);
        }

        NDList arrays() {
            return weights == null ? new NDList(h, c, feed) : new NDList(h, c, feed, weights);
        }
    }

    /** One decoder position: previous embedding (B, E) and state -> the next state. */
    private State decodeStep(ParameterStore ps, NDArray embedded, State state, EncoderOutput encoded,
            boolean training) {
        // input feeding: [y_{t-1}; h~_{t-1}] (B, E + Hd) -> (B, 1, E + Hd)
        NDArray input = embedded.concat(state.feed(), 1).expandDims(TIME_AXIS);
        RecurrentOutput out = RecurrentOutput.fromNDList(decoder.forward(
                ps, RecurrentInput.of(input).withInitialState(state.h(), state.c()).toNDList(), training));
        // (B, 1, Hd) -> (B, Hd)
        NDArray query = out.output().squeeze(TIME_AXIS);
        AttentionOutput attended = attend(ps, AttentionInput.of(query, encoded.memory(), encoded.mask()), training);
        // [context; o_t] (B, 2He + Hd) -> (B, Hd)
        NDArray joined = attended.output().concat(query, 1);
        NDArray feed = attentionOut.forward(ps, new NDList(joined), training).singletonOrThrow().tanh();
        return new State(out.hN(), out.cN(), feed, attended.weights());
    }

    private AttentionOutput attend(ParameterStore ps, AttentionInput input, boolean training) {
        return attention instanceof AdditiveAttention additive
                ? additive.attend(ps, input, training)
                : ((MultiplicativeAttention) attention).attend(ps, input, training);
    }

    private NDArray drop(ParameterStore ps, NDArray x, boolean training) {
        return dropout.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public DecoderCache startDecoding(ParameterStore ps, EncoderOutput encoded, int capacity) {
        NDManager owner = encoded.memory().getManager().newSubManager();
        State initial = State.initial(encoded, config.decoderHiddenSize());
        // the cache owns copies, so that reordering may close what it replaces
        Cache cache = new Cache(owner, new EncoderOutput(encoded.memory().duplicate(), encoded.mask().duplicate(),
                new NDList()), new State(initial.h().duplicate(), initial.c().duplicate(), initial.feed(), null));
        cache.arrays().attach(owner);
        return cache;
    }

    @Override
    public NDArray step(ParameterStore ps, DecoderCache decoderCache, NDArray lastTokens) {
        Cache cache = (Cache) decoderCache;
        NDManager caller = lastTokens.getManager();
        try (NDManager scope = cache.owner.newSubManager()) {
            // results of operations on the cache's arrays are created in this scope, not in the owner
            scope.tempAttachAll(cache.arrays());
            // (B') -> (B', E)
            NDArray embedded = targetEmbedding.embed(ps, lastTokens, false);
            State next = decodeStep(ps, embedded, cache.state, cache.encoded, false);
            NDArray logits = outputProjection.forward(ps, new NDList(next.feed()), false).singletonOrThrow();
            logits.attach(caller);
            cache.state.arrays().forEach(NDArray::close);
            next.arrays().attach(cache.owner);
            cache.state = next;
            cache.length++;
            return logits;
        }
    }

    /** The LSTM decoder's {@link DecoderCache}: its state and the encoder output, all in {@code owner}. */
    private static final class Cache implements DecoderCache {
        private final NDManager owner;
        private EncoderOutput encoded;
        private State state;
        private long length;

        Cache(NDManager owner, EncoderOutput encoded, State state) {
            this.owner = owner;
            this.encoded = encoded;
            this.state = state;
        }

        NDList arrays() {
            NDList arrays = new NDList(encoded.memory(), encoded.mask());
            arrays.addAll(state.arrays());
            return arrays;
        }

        @Override
        public long batchSize() {
            return state.feed().getShape().get(0);
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public void reorder(NDArray order) {
            NDIndex rows = new NDIndex("{}", order);
            // (L, B, Hd): rows are on axis 1
            NDIndex stateRows = new NDIndex(":, {}", order);
            NDList old = arrays();
            encoded = new EncoderOutput(encoded.memory().get(owner, rows), encoded.mask().get(owner, rows),
                    new NDList());
            state = new State(state.h().get(owner, stateRows), state.c().get(owner, stateRows),
                    state.feed().get(owner, rows), state.weights() == null ? null : state.weights().get(owner, rows));
            old.forEach(NDArray::close);
        }

        @Override
        public NDArray lastAttention() {
            return state.weights();
        }

        @Override
        public void close() {
            owner.close();
        }
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int e = config.embeddingSize();
        long memory = (long) DIRECTIONS * config.encoderHiddenSize();
        int hd = config.decoderHiddenSize();
        sourceEmbedding.initialize(manager, dataType, inputShapes[0]);
        targetEmbedding.initialize(manager, dataType, inputShapes[2]);
        encoder.initialize(manager, dataType, new Shape(1, 1, e));
        bridgeH.initialize(manager, dataType, new Shape(1, 1, memory));
        bridgeC.initialize(manager, dataType, new Shape(1, 1, memory));
        decoder.initialize(manager, dataType, new Shape(1, 1, e + hd));
        attention.initialize(manager, dataType, new Shape(1, hd), new Shape(1, 1, memory));
        attentionOut.initialize(manager, dataType, new Shape(1, memory + hd));
        outputProjection.initialize(manager, dataType, new Shape(1, 1, hd));
        dropout.initialize(manager, dataType, new Shape(1, 1, e));
    }

    /**
     * The hyper-parameters; defaults suit Multi30k on a CPU.
     *
     * @param sourceVocabSize rows of the source embedding, required
     * @param targetVocabSize V, required
     * @param embeddingSize E, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param encoderHiddenSize He per direction, default {@value #DEFAULT_ENCODER_HIDDEN_SIZE}
     * @param decoderHiddenSize Hd, default {@value #DEFAULT_DECODER_HIDDEN_SIZE}
     * @param numLayers L of both LSTMs, default {@value #DEFAULT_LAYERS}
     * @param attention the score function, default GENERAL (Luong); DOT needs Hd = 2He
     * @param attentionSize A, the hidden size of the ADDITIVE score (ignored otherwise), default
     *     {@value #DEFAULT_ATTENTION_SIZE}
     * @param dropout on embeddings, between LSTM layers and before the output layer, default
     *     {@value #DEFAULT_DROPOUT}
     * @param padId the padding id of both vocabularies, default 0
     */
    public record Config(
            @JsonRecords.Required int sourceVocabSize,
            @JsonRecords.Required int targetVocabSize,
            int embeddingSize,
            int encoderHiddenSize,
            int decoderHiddenSize,
            int numLayers,
            AttentionScore attention,
            int attentionSize,
            float dropout,
            int padId) implements Seq2SeqConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 256;
        public static final int DEFAULT_ENCODER_HIDDEN_SIZE = 256;
        public static final int DEFAULT_DECODER_HIDDEN_SIZE = 512;
        public static final int DEFAULT_LAYERS = 1;
        public static final AttentionScore DEFAULT_ATTENTION = AttentionScore.GENERAL;
        public static final int DEFAULT_ATTENTION_SIZE = 256;
        public static final float DEFAULT_DROPOUT = 0.3f;
        public static final int DEFAULT_PAD_ID = 0;

        public Config {
            String model = Seq2SeqModelType.LSTM_ATTENTION.configName();
            Seq2SeqConfigJson.checkCommon(model, sourceVocabSize, targetVocabSize, padId, dropout);
            ConfigChecks.positive(model, "embedding_size", embeddingSize);
            ConfigChecks.positive(model, "encoder_hidden_size", encoderHiddenSize);
            ConfigChecks.positive(model, "decoder_hidden_size", decoderHiddenSize);
            ConfigChecks.positive(model, "num_layers", numLayers);
            ConfigChecks.positive(model, "attention_size", attentionSize);
            ConfigChecks.required(model, "attention", attention);
            if (attention == AttentionScore.DOT && decoderHiddenSize != DIRECTIONS * encoderHiddenSize) {
                throw new IllegalArgumentException(model + ": the dot score needs decoder_hidden_size ("
                        + decoderHiddenSize + ") = 2 x encoder_hidden_size (" + encoderHiddenSize
                        + "); use attention \"general\" or change the sizes");
            }
        }

        /** The defaults for these vocabularies. */
        public static Config of(int sourceVocabSize, int targetVocabSize) {
            return new Config(sourceVocabSize, targetVocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_ENCODER_HIDDEN_SIZE,
                    DEFAULT_DECODER_HIDDEN_SIZE, DEFAULT_LAYERS, DEFAULT_ATTENTION, DEFAULT_ATTENTION_SIZE,
                    DEFAULT_DROPOUT, DEFAULT_PAD_ID);
        }

        @Override
        public Seq2SeqModelType modelType() {
            return Seq2SeqModelType.LSTM_ATTENTION;
        }

        /** Reads {@link Seq2SeqConfig#toJson()}'s form; the vocabulary sizes are required. */
        public static Config fromJson(JsonObject json) {
            return Seq2SeqConfigJson.TYPES.read(json, Config.class,
                    of(Seq2SeqConfigJson.ANY_VOCAB_SIZE, Seq2SeqConfigJson.ANY_VOCAB_SIZE),
                    Seq2SeqModelType.LSTM_ATTENTION);
        }
    }
}
