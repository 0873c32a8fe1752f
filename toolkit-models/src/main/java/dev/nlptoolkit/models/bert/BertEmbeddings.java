package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.dropout.Dropout;
import dev.nlptoolkit.models.transformer.LayerNorm;
import dev.nlptoolkit.models.transformer.LearnedPositionalEmbedding;

/**
 * BERT's input embedding (Devlin et al. 2019): word + absolute position + token type embeddings,
 * then layer norm and dropout. The word lookup is split from the rest ({@link #embedWords},
 * {@link #fromWordEmbeddings}) so a perturbation can be added to the word vectors (adversarial training).
 *
 * <p>Shapes: input ids (B, T) and token type ids (B, T) -> (B, T, E); T at most max_position_embeddings.
 */
public final class BertEmbeddings extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int maxPositions;
    private final BertEmbeddingTable wordEmbeddings;
    private final LearnedPositionalEmbedding positionEmbeddings;
    private final BertEmbeddingTable tokenTypeEmbeddings;
    private final LayerNorm layerNorm;
    private final Dropout dropout;

    BertEmbeddings(BertConfig config) {
        super(VERSION);
        maxPositions = config.maxPositionEmbeddings();
        wordEmbeddings = addChildBlock("word_embeddings", table(config.vocabSize(), config));
        positionEmbeddings = addChildBlock("position_embeddings", LearnedPositionalEmbedding.builder()
                .setMaxLength(config.maxPositionEmbeddings())
                .setEmbedDim(config.hiddenSize())
                .build());
        tokenTypeEmbeddings = addChildBlock("token_type_embeddings", table(config.typeVocabSize(), config));
        layerNorm = addChildBlock("LayerNorm", LayerNorm.builder().optEps((float) config.layerNormEps()).build());
        dropout = addChildBlock("dropout", Dropout.builder().optRate((float) config.hiddenDropoutProb()).build());
    }

    private static BertEmbeddingTable table(int rows, BertConfig config) {
        return BertEmbeddingTable.builder().setNumEmbeddings(rows).setEmbeddingSize(config.hiddenSize()).build();
    }

    /** The word vectors alone: (B, T) -> (B, T, E). */
    public NDArray embedWords(ParameterStore parameterStore, NDArray inputIds, boolean training) {
        return wordEmbeddings.forward(parameterStore, new NDList(inputIds), training).singletonOrThrow();
    }

    /**
     * The embedding output from given word vectors: adds position and token type embeddings, then
     * normalises and applies dropout. (B, T, E) and (B, T) -> (B, T, E).
     *
     * @throws IllegalArgumentException if T exceeds max_position_embeddings
     */
    public NDArray fromWordEmbeddings(
            ParameterStore parameterStore, NDArray words, NDArray tokenTypeIds, boolean training) {
        long length = words.getShape().get(1);
        if (length > maxPositions) {
            throw new IllegalArgumentException("sequence length " + length + " exceeds max_position_embeddings "
                    + maxPositions + " of this BERT model; truncate the input to at most " + maxPositions + " tokens");
        }
        NDArray types = tokenTypeEmbeddings.forward(parameterStore, new NDList(tokenTypeIds), training)
                .singletonOrThrow(); // (B, T, E)
        // positions 0..T-1, the same for every sequence of the batch
        NDArray sum = positionEmbeddings.encode(parameterStore, words.add(types), 0, training);
        NDArray normed = layerNorm.forward(parameterStore, new NDList(sum), training).singletonOrThrow();
        return dropout.forward(parameterStore, new NDList(normed), training).singletonOrThrow();
    }

    /** Input ids (B, T) and token type ids (B, T) -> (B, T, E). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray words = embedWords(parameterStore, inputs.get(0), training);
        return new NDList(fromWordEmbeddings(parameterStore, words, inputs.get(1), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return wordEmbeddings.getOutputShapes(new Shape[] {inputShapes[0]});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        wordEmbeddings.initialize(manager, dataType, ids);
        tokenTypeEmbeddings.initialize(manager, dataType, ids);
        Shape embedded = getOutputShapes(inputShapes)[0];
        positionEmbeddings.initialize(manager, dataType, embedded);
        layerNorm.initialize(manager, dataType, embedded);
        dropout.initialize(manager, dataType, embedded);
    }
}
