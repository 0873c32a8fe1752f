package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.attention.ScaledDotProductAttention;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The BERT encoder (Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers for
 * Language Understanding"), laid out as transformers' {@code BertModel}: children {@code embeddings},
 * {@code encoder}, {@code pooler}, so its parameter names are the checkpoint keys.
 *
 * <p>Shapes: {@link BertInput} of (B, T) arrays -> last hidden state (B, T, E) and pooler output (B, E);
 * T at most max_position_embeddings. New weights are drawn from N(0, initializer_range), as transformers does.
 */
public final class BertModel extends AbstractBlock {

    /** Outputs computed only on request. */
    public enum Extra {
        /** The embedding output and every layer's output. */
        HIDDEN_STATES,
        /** Every layer's attention probabilities. */
        ATTENTIONS
    }

    private static final byte VERSION = 1;

    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    private BertModel(BertConfig config) {
        super(VERSION);
        this.config = config;
        embeddings = addChildBlock("embeddings", new BertEmbeddings(config));
        encoder = addChildBlock("encoder", new BertEncoder(config));
        pooler = addChildBlock("pooler", new BertPooler(config));
        initializeWeightsAsTransformers(this, config);
    }

    /** Dense and embedding weights ~ N(0, initializer_range); biases 0 and layer norms 1/0 are DJL's defaults. */
    static void initializeWeightsAsTransformers(AbstractBlock block, BertConfig config) {
        block.setInitializer(new NormalInitializer((float) config.initializerRange()),
                p -> p.getType() == Parameter.Type.WEIGHT);
    }

    public static Builder builder() {
        return new Builder();
    }

    public BertConfig getConfig() {
        return config;
    }

    /** The word vectors of {@code inputIds} (B, T) -> (B, T, E), before positions, types and normalisation. */
    public NDArray embedWords(ParameterStore parameterStore, NDArray inputIds, boolean training) {
        return embeddings.embedWords(parameterStore, inputIds, training);
    }

    /** The embedding output (B, T, E), the encoder's input: word, position and type embeddings, normalised. */
    public NDArray embeddingOutput(ParameterStore parameterStore, BertInput input, boolean training) {
        NDArray words = embedWords(parameterStore, input.inputIds(), training);
        return embeddings.fromWordEmbeddings(parameterStore, words, input.tokenTypeIds(), training);
    }

    /** The full forward pass; {@code extras} asks for hidden states and attention maps as well. */
    public BertModelOutput forward(
            ParameterStore parameterStore, BertInput input, boolean training, Extra... extras) {
        NDArray words = embedWords(parameterStore, input.inputIds(), training);
        return forwardFromWordEmbeddings(parameterStore, words, input, training, extras);
    }

    /**
     * The forward pass from given word vectors (B, T, E), e.g. {@link #embedWords} plus a perturbation;
     * {@code input} supplies the attention mask and token types (its ids are not read).
     */
    public BertModelOutput forwardFromWordEmbeddings(
            ParameterStore parameterStore, NDArray words, BertInput input, boolean training, Extra... extras) {
        Set<Extra> requested = extras.length == 0 ? EnumSet.noneOf(Extra.class) : EnumSet.copyOf(List.of(extras));
        NDArray embedded = embeddings.fromWordEmbeddings(parameterStore, words, input.tokenTypeIds(), training);
        // (B, T) -> (B, 1, 1, T), in additive form once for all layers; null when nothing is padded
        NDArray visible = ScaledDotProductAttention.keyMask(input.attentionMask(), embedded.getDataType());
        BertEncoder.Result encoded = encoder.encode(parameterStore, embedded, visible, training, requested);
        NDArray pooled = pooler.forward(parameterStore, new NDList(encoded.lastHiddenState()), training)
                .singletonOrThrow();
        return new BertModelOutput(encoded.lastHiddenState(), pooled, encoded.hiddenStates(), encoded.attentions());
    }

    /** {@link BertInput#toNDList()} -> last hidden state (B, T, E) and pooler output (B, E). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        BertModelOutput out = forward(parameterStore, BertInput.fromNDList(inputs), training);
        return new NDList(out.lastHiddenState(), out.poolerOutput());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape hidden = embeddings.getOutputShapes(inputShapes)[0];
        return new Shape[] {hidden, pooler.getOutputShapes(new Shape[] {hidden})[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embeddings.initialize(manager, dataType, ids, ids);
        Shape hidden = embeddings.getOutputShapes(inputShapes)[0];
        encoder.initialize(manager, dataType, hidden, ids);
        pooler.initialize(manager, dataType, hidden);
    }

    /** Builds a {@link BertModel}. */
    public static final class Builder {
        private BertConfig config;

        private Builder() {}

        /** The hyper-parameters, usually {@link BertConfig#read} of a checkpoint's config.json. */
        public Builder setConfig(BertConfig config) {
            this.config = config;
            return this;
        }

        public BertModel build() {
            if (config == null) {
                throw new IllegalArgumentException("BertModel needs setConfig(BertConfig.read(configJson))");
            }
            return new BertModel(config);
        }
    }
}
