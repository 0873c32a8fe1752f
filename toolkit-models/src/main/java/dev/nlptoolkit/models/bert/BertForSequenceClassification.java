package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.ClassifierOutput;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.dropout.Dropout;

import java.util.List;

/**
 * BERT with a linear classifier on the pooler output (Devlin et al. 2019), laid out as transformers'
 * {@code BertForSequenceClassification}: children {@code bert}, {@code dropout}, {@code classifier}.
 *
 * <p>Shapes: {@link BertInput} of (B, T) arrays -> logits (B, C) for C = num_labels.
 *
 * <p>As a {@link TextClassifier} it is split at the word embeddings; its representation is the pooler
 * output (B, E) before the classifier's dropout; outside training its token weights (B, T) are the
 * last layer's attention from the first token, averaged over heads (none while training, to keep no
 * attention maps for backward).
 */
public final class BertForSequenceClassification extends AbstractBlock implements TextClassifier {

    private static final byte VERSION = 1;
    private static final int CLASS_AXIS = -1;
    /** The head axis N of attention probabilities (B, N, T) from one query. */
    private static final int HEAD_AXIS = 1;

    private final BertConfig config;
    private final BertModel bert;
    private final Dropout dropout;
    private final Linear classifier;

    private BertForSequenceClassification(BertConfig config) {
        super(VERSION);
        this.config = config;
        bert = addChildBlock("bert", BertModel.builder().setConfig(config).build());
        dropout = addChildBlock("dropout",
                Dropout.builder().optRate((float) config.effectiveClassifierDropout()).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numLabels()).build());
        BertModel.initializeWeightsAsTransformers(this, config);
    }

    public static Builder builder() {
        return new Builder();
    }

    public BertConfig getConfig() {
        return config;
    }

    /** The encoder under the head. */
    public BertModel getBert() {
        return bert;
    }

    /** The word vectors of {@code inputIds} (B, T) -> (B, T, E); see {@link BertModel#embedWords}. */
    public NDArray embedWords(ParameterStore parameterStore, NDArray inputIds, boolean training) {
        return bert.embedWords(parameterStore, inputIds, training);
    }

    /** The full forward pass; {@code extras} asks for the encoder's hidden states and attention maps. */
    public BertClassifierOutput forward(
            ParameterStore parameterStore, BertInput input, boolean training, BertModel.Extra... extras) {
        return classify(parameterStore, bert.forward(parameterStore, input, training, extras), training);
    }

    /** The forward pass from given word vectors (B, T, E); see {@link BertModel#forwardFromWordEmbeddings}. */
    public BertClassifierOutput forwardFromWordEmbeddings(ParameterStore parameterStore, NDArray words,
            BertInput input, boolean training, BertModel.Extra... extras) {
        return classify(parameterStore,
                bert.forwardFromWordEmbeddings(parameterStore, words, input, training, extras), training);
    }

    private BertClassifierOutput classify(ParameterStore parameterStore, BertModelOutput encoded, boolean training) {
        NDArray pooled = dropout.forward(parameterStore, new NDList(encoded.poolerOutput()), training)
                .singletonOrThrow();
        // (B, E) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(pooled), training).singletonOrThrow();
        return new BertClassifierOutput(logits, encoded);
    }

    @Override
    public NDArray embed(ParameterStore parameterStore, ClassifierInput input, boolean training) {
        return embedWords(parameterStore, input.tokenIds(), training);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        BertInput bertInput = BertInput.of(input.tokenIds(), input.attentionMask(), input.tokenTypeIds());
        // attention maps only to explain with: training would keep them all for backward
        BertModel.Extra[] extras = training
                ? new BertModel.Extra[0]
                : new BertModel.Extra[] {BertModel.Extra.ATTENTIONS};
        BertClassifierOutput out = forwardFromWordEmbeddings(parameterStore, embeddings, bertInput, training, extras);
        if (training) {
            return new ClassifierOutput(out.logits(), out.bert().poolerOutput(), null);
        }
        List<NDArray> maps = out.bert().attentions();
        return new ClassifierOutput(
                out.logits(), out.bert().poolerOutput(), fromFirstToken(out), maps.get(maps.size() - 1));
    }

    /**
     * (B, T): where the first token, the one the pooler reads, looks in the last layer, averaged over
     * heads; 0 at padding, as the key mask gives it no probability.
     */
    private static NDArray fromFirstToken(BertClassifierOutput out) {
        List<NDArray> maps = out.bert().attentions();
        // (B, N, T, T) -> (B, N, T) -> (B, T)
        return maps.get(maps.size() - 1).get(new NDIndex(":, :, 0, :")).mean(new int[] {HEAD_AXIS});
    }

    @Override
    public int numClasses() {
        return config.numLabels();
    }

    /**
     * Mean cross-entropy of {@code logits} (B, C) against class ids {@code labels} (B), the loss transformers
     * uses for single-label classification: -mean(log_softmax(logits)[b, labels[b]]).
     *
     * @throws UnsupportedOperationException if the config's problem_type is regression or multi-label
     */
    public NDArray loss(NDArray logits, NDArray labels) {
        BertConfig.ProblemType problem = config.problemType();
        if (problem != null && problem != BertConfig.ProblemType.SINGLE_LABEL_CLASSIFICATION) {
            throw new UnsupportedOperationException("problem_type " + problem.configName()
                    + " has no loss here yet; only single_label_classification is supported");
        }
        NDArray logProbs = logits.logSoftmax(CLASS_AXIS);
        // (B, C) -> (B): the log-probability of each row's label
        NDArray picked = logProbs.get(new NDIndex().addAllDim().addPickDim(labels));
        return picked.neg().mean();
    }

    /** {@link BertInput#toNDList()} -> logits (B, C). */
    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forward(parameterStore, BertInput.fromNDList(inputs), training).logits());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape pooled = bert.getOutputShapes(inputShapes)[1];
        return classifier.getOutputShapes(new Shape[] {pooled});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        bert.initialize(manager, dataType, inputShapes);
        Shape pooled = bert.getOutputShapes(inputShapes)[1];
        dropout.initialize(manager, dataType, pooled);
        classifier.initialize(manager, dataType, pooled);
    }

    /** Builds a {@link BertForSequenceClassification}. */
    public static final class Builder {
        private BertConfig config;

        private Builder() {}

        /** The hyper-parameters; the number of classes is {@link BertConfig#numLabels()}. */
        public Builder setConfig(BertConfig config) {
            this.config = config;
            return this;
        }

        public BertForSequenceClassification build() {
            if (config == null) {
                throw new IllegalArgumentException(
                        "BertForSequenceClassification needs setConfig(BertConfig.read(configJson))");
            }
            return new BertForSequenceClassification(config);
        }
    }
}
