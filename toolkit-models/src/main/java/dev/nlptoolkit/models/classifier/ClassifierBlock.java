package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.embedding.TokenEmbedding;

/**
 * What the classifiers trained from scratch share as DJL Blocks: the config they are built from, the
 * token embedding of V rows of E (their first child, {@code embedding}, padding row zero), and token
 * ids to logits (B, C) as their forward pass.
 *
 * @param <C> the architecture's config record
 */
abstract class ClassifierBlock<C extends ClassifierConfig> extends AbstractBlock implements TextClassifier {

    private static final byte VERSION = 1;

    final C config;
    final TokenEmbedding embedding;

    /** The embedding rows start as {@link TokenEmbedding} draws them. */
    ClassifierBlock(C config) {
        this(config, embeddingOf(config));
    }

    /** The embedding rows start from N(0, {@code embeddingInitStd}^2). */
    ClassifierBlock(C config, float embeddingInitStd) {
        this(config, embeddingOf(config).optInitStd(embeddingInitStd));
    }

    private ClassifierBlock(C config, TokenEmbedding.Builder embedding) {
        super(VERSION);
        this.config = config;
        this.embedding = addChildBlock("embedding", embedding.build());
    }

    private static TokenEmbedding.Builder embeddingOf(ClassifierConfig config) {
        return TokenEmbedding.builder()
                .setNumEmbeddings(config.vocabSize())
                .setEmbeddingSize(config.embeddingSize())
                .optPaddingId(config.padId());
    }

    public C getConfig() {
        return config;
    }

    @Override
    public NDArray embed(ParameterStore parameterStore, ClassifierInput input, boolean training) {
        return embedding.embed(parameterStore, input.tokenIds(), training);
    }

    @Override
    public int numClasses() {
        return config.numClasses();
    }

    /** {@link ClassifierInput#toNDList()} -> logits (B, C). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(classify(parameterStore, ClassifierInput.fromNDList(inputs), training).logits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numClasses())};
    }
}
