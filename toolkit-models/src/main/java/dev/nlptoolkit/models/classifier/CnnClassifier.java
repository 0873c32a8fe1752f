package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;

import dev.nlptoolkit.core.config.ConfigBuilder;
import dev.nlptoolkit.core.config.ConfigChecks;
import dev.nlptoolkit.core.config.JsonRecords;
import dev.nlptoolkit.models.dropout.Dropout;

import java.util.ArrayList;
import java.util.List;

/**
 * The convolutional sentence classifier of Kim 2014 ("Convolutional Neural Networks for Sentence
 * Classification"): embedding, one bank of F feature maps per filter width w (a 1-D convolution over
 * time, ReLU), max-over-time pooling of each map over the windows that touch the text, the pooled maps
 * concatenated, dropout, linear layer. Pooling takes the max before the ReLU (the same value), so the
 * winning window of a map is its arg max even when the map is negative everywhere.
 *
 * <p>Windows ({@link Convolution}): {@code wide}, the default, pads each text with w - 1 zero vectors
 * on both sides, as Kim's code does, so every window that holds at least one token counts and the
 * first and last words also sit at the edge of windows that show where the text starts and ends
 * (on the TREC hold-out of README.md it is the better form).
 * {@code narrow}, the form of models saved before the option, counts the windows inside the text; a
 * text shorter than w is zero-padded to w, so it has exactly one window for each width.
 *
 * <p>Padding never reaches a result: embeddings at padded positions are zeroed before the
 * convolutions, and windows past a text's last valid one are masked out of the pooling.
 *
 * <p>Shapes: ids and mask (B, T) -> logits (B, C); representation (B, K * F) for K widths. Token
 * weights (B, T), outside training only: the share of feature maps whose winning window covers each
 * token (a map of width w gives 1/w to each of the w positions of its window), over real tokens,
 * summing to 1. Children {@code embedding}, {@code convs.0} .. {@code convs.K-1} (torch's
 * {@code nn.Conv1d} layout: weight (F, E, w), bias (F); wide is {@code padding=w - 1}), {@code dropout},
 * {@code classifier}.
 */
public final class CnnClassifier extends ClassifierBlock<CnnClassifier.Config> {

    /** Added to the scores of masked windows: far below any ReLU output, so the max never picks one. */
    private static final float MASK_VALUE = -1e9f;
    private static final int TIME_AXIS = 2;

    private final List<Conv1d> convs = new ArrayList<>();
    private final Dropout dropout;
    private final Linear classifier;

    /** Which windows of a text a filter reads; see the class javadoc. */
    public enum Convolution {
        /** w - 1 zero vectors on both sides: every window holding a token (Kim's code). */
        WIDE,
        /** The windows inside the text, one for a text shorter than w (models saved before the option). */
        NARROW
    }

    private CnnClassifier(Config config) {
        super(config, config.embeddingInitStd());
        for (int i = 0; i < config.filterWidths().size(); i++) {
            int width = config.filterWidths().get(i);
            convs.add(addChildBlock("convs." + i, Conv1d.builder()
                    .setKernelShape(new Shape(width))
                    .optPadding(new Shape(config.wide() ? width - 1 : 0))
                    .setFilters(config.numFilters())
                    .build()));
        }
        dropout = addChildBlock("dropout", Dropout.builder().optRate(config.dropout()).build());
        classifier = addChildBlock("classifier", Linear.builder().setUnits(config.numClasses()).build());
    }

    public static ConfigBuilder<Config, CnnClassifier> builder() {
        return new ConfigBuilder<>("CnnClassifier", "Config.of(vocabSize, numClasses)", CnnClassifier::new);
    }

    @Override
    public ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training) {
        long batch = embeddings.getShape().get(0);
        long steps = embeddings.getShape().get(1);
        NDArray mask = input.attentionMask();
        NDArray lengths = input.lengths();
        // (B, T, E) * (B, T, 1): zero at padding, whatever the padding row has learned
        NDArray x = embeddings.mul(mask.expandDims(-1).toType(embeddings.getDataType(), false));
        // wide windows need no padding of their own: the convolution adds it
        long padded = config.wide() ? steps : Math.max(steps, config.maxWidth());
        if (padded > steps) {
            // (B, T, E) -> (B, T', E): every row has at least one window of the widest filter
            x = x.concat(x.getManager().zeros(new Shape(batch, padded - steps, config.embeddingSize()),
                    x.getDataType(), x.getDevice()), 1);
        }
        // (B, T', E) -> (B, E, T'): Conv1d reads channels first
        NDArray channels = x.transpose(0, 2, 1);
        List<NDArray> pooled = new ArrayList<>(convs.size());
        List<NDArray> winners = new ArrayList<>(convs.size());
        for (int i = 0; i < convs.size(); i++) {
            int width = config.filterWidths().get(i);
            // (B, E, T') -> (B, F, W), W = T' - w + 1 windows, or T + w - 1 wide ones
            NDArray maps = convs.get(i).forward(parameterStore, new NDList(channels), training).singletonOrThrow();
            NDArray scores = maps.add(invalidWindows(lengths, width, maps.getShape().get(TIME_AXIS), maps.getDataType()));
            // (B, F, W) -> (B, F); max then ReLU equals ReLU then max, and the arg max stays unique
            pooled.add(Activation.relu(scores.max(new int[] {TIME_AXIS})));
            if (!training) {
                winners.add(scores.argMax(TIME_AXIS));
            }
        }
        // K x (B, F) -> (B, K * F)
        NDArray representation = NDArrays.concat(new NDList(pooled), 1);
        NDArray dropped = dropout.forward(parameterStore, new NDList(representation), training).singletonOrThrow();
        // (B, K * F) -> (B, C)
        NDArray logits = classifier.forward(parameterStore, new NDList(dropped), training).singletonOrThrow();
        NDArray tokenWeights = training ? null : windowShares(winners, padded, mask);
        return new ClassifierOutput(logits, representation, tokenWeights);
    }

    /**
     * (B, 1, W): 0 for the windows of width {@code width} up to the last one that holds a token, window
     * length + w - 2 when wide (window j ends at token j); narrow, the one starting at max(length - w,
     * 0), the last full window of the text or the one window of a text shorter than w.
     * {@value #MASK_VALUE} for the rest.
     */
    private NDArray invalidWindows(NDArray lengths, int width, long windows, DataType type) {
        NDManager manager = lengths.getManager();
        // (B) -> (B, 1): the last valid window of each row
        NDArray lastValid = (config.wide() ? lengths.add(width - 2) : lengths.sub(width).maximum(0)).expandDims(1);
        // (W) -> (1, W) compared with (B, 1) -> (B, W)
        NDArray windowIds = manager.arange(0, Math.toIntExact(windows), 1, lengths.getDataType(), lengths.getDevice())
                .expandDims(0);
        return windowIds.gt(lastValid).toType(type, false).mul(MASK_VALUE).expandDims(1);
    }

    /** (B, T): the share of maps whose winning window covers each real token; see the class javadoc. */
    private NDArray windowShares(List<NDArray> winners, long padded, NDArray mask) {
        long steps = mask.getShape().get(1);
        NDArray shares = null;
        for (int i = 0; i < winners.size(); i++) {
            int width = config.filterWidths().get(i);
            long windows = config.wide() ? steps + width - 1 : padded - width + 1;
            // position q of the shifted rows below is token q - lead: a wide window j covers j - w + 1 .. j
            long lead = config.wide() ? width - 1 : 0;
            // (B, F) winning windows -> (B, F, W) one-hot -> (B, W) maps won by each window
            NDArray won = winners.get(i).oneHot(Math.toIntExact(windows)).sum(new int[] {1});
            NDManager manager = won.getManager();
            long rows = won.getShape().get(0);
            for (int offset = 0; offset < width; offset++) {
                // window j covers positions j .. j + w - 1: shift (B, W) right by offset into (B, W + w - 1)
                NDArray shifted = manager.zeros(new Shape(rows, offset), won.getDataType(), won.getDevice())
                        .concat(won, 1)
                        .concat(manager.zeros(new Shape(rows, width - 1 - offset), won.getDataType(), won.getDevice()),
                                1)
                        .get(":, {}:{}", lead, lead + steps)
                        .div(width);
                shares = shares == null ? shifted : shares.add(shifted);
            }
        }
        // (B, T): real tokens only, rows summing to 1
        NDArray real = shares.mul(mask.toType(shares.getDataType(), false));
        return real.div(real.sum(new int[] {1}, true));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        embedding.initialize(manager, dataType, ids);
        // parameter shapes depend on E and w only: one row of the widest filter's length is enough
        Shape channels = new Shape(ids.get(0), config.embeddingSize(), config.maxWidth());
        for (Conv1d conv : convs) {
            conv.initialize(manager, dataType, channels);
        }
        Shape pooled = new Shape(ids.get(0), (long) config.filterWidths().size() * config.numFilters());
        dropout.initialize(manager, dataType, pooled);
        classifier.initialize(manager, dataType, pooled);
    }

    /**
     * The hyper-parameters; the defaults are Kim's (widths 3, 4, 5 with 100 maps each, dropout 0.5).
     *
     * @param vocabSize V, required
     * @param embeddingSize E, default {@value #DEFAULT_EMBEDDING_SIZE}
     * @param embeddingInitStd the standard deviation of the random initial embeddings, default
     *     {@value #DEFAULT_EMBEDDING_INIT_STD}: torch's 1 trained to 0.81 on a TREC hold-out where this
     *     gave 0.85, near Kim's U(-0.25, 0.25) (std 0.14)
     * @param filterWidths the width w of each bank of maps, distinct, default 3, 4, 5
     * @param numFilters F, the feature maps of each width, default {@value #DEFAULT_NUM_FILTERS}
     * @param dropout on the pooled features, before the classifier, default {@value #DEFAULT_DROPOUT}
     * @param numClasses C, required
     * @param padId the padding id, default 0 (WordVocabulary's)
     * @param convolution which windows the filters read, default {@code wide}; {@code narrow} when a
     *     saved config has no such key (it was saved before the option)
     */
    public record Config(
            @JsonRecords.Required int vocabSize,
            int embeddingSize,
            float embeddingInitStd,
            List<Integer> filterWidths,
            int numFilters,
            float dropout,
            @JsonRecords.Required int numClasses,
            int padId,
            Convolution convolution) implements ClassifierConfig {

        public static final int DEFAULT_EMBEDDING_SIZE = 128;
        public static final float DEFAULT_EMBEDDING_INIT_STD = 0.1f;
        public static final List<Integer> DEFAULT_FILTER_WIDTHS = List.of(3, 4, 5);
        public static final int DEFAULT_NUM_FILTERS = 100;
        public static final float DEFAULT_DROPOUT = 0.5f;
        public static final int DEFAULT_PAD_ID = 0;
        public static final Convolution DEFAULT_CONVOLUTION = Convolution.WIDE;

        public Config {
            String model = ModelType.CNN.configName();
            ConfigJson.checkCommon(model, vocabSize, numClasses, padId, dropout);
            ConfigChecks.positive(model, "embedding_size", embeddingSize);
            ConfigChecks.positive(model, "num_filters", numFilters);
            if (!(embeddingInitStd > 0) || Float.isInfinite(embeddingInitStd)) {
                throw new IllegalArgumentException(model + ": embedding_init_std is " + embeddingInitStd
                        + "; give a positive number, e.g. " + DEFAULT_EMBEDDING_INIT_STD);
            }
            if (filterWidths == null || filterWidths.isEmpty()
                    || filterWidths.stream().anyMatch(w -> w == null || w < 1)
                    || filterWidths.stream().distinct().count() != filterWidths.size()) {
                throw new IllegalArgumentException(model + ": filter_widths is " + filterWidths
                        + "; give distinct positive widths, e.g. " + DEFAULT_FILTER_WIDTHS);
            }
            filterWidths = List.copyOf(filterWidths);
            if (convolution == null) {
                throw new IllegalArgumentException(model + ": convolution is missing; give wide or narrow");
            }
        }

        /** The defaults for a vocabulary of {@code vocabSize} and {@code numClasses} classes. */
        public static Config of(int vocabSize, int numClasses) {
            return new Config(vocabSize, DEFAULT_EMBEDDING_SIZE, DEFAULT_EMBEDDING_INIT_STD, DEFAULT_FILTER_WIDTHS,
                    DEFAULT_NUM_FILTERS,
                    DEFAULT_DROPOUT, numClasses, DEFAULT_PAD_ID, DEFAULT_CONVOLUTION);
        }

        /** Whether the filters read wide windows. */
        public boolean wide() {
            return convolution == Convolution.WIDE;
        }

        /** The widest filter: with narrow windows every text is padded to at least this many positions. */
        public int maxWidth() {
            return filterWidths.stream().mapToInt(Integer::intValue).max().orElseThrow();
        }

        @Override
        public ModelType modelType() {
            return ModelType.CNN;
        }

        /**
         * Reads {@link ClassifierConfig#toJson()}'s form; {@code vocab_size} and {@code num_classes} are
         * required. Without a {@code convolution} key the windows are narrow: a config saved before the
         * key existed describes a model trained that way, and its weights fit either form.
         */
        public static Config fromJson(JsonObject json) {
            Config defaults = of(ConfigJson.ANY_VOCAB_SIZE, ConfigJson.ANY_NUM_CLASSES);
            Config saved = new Config(defaults.vocabSize, defaults.embeddingSize, defaults.embeddingInitStd,
                    defaults.filterWidths, defaults.numFilters, defaults.dropout, defaults.numClasses, defaults.padId,
                    Convolution.NARROW);
            return ConfigJson.TYPES.read(json, Config.class, saved, ModelType.CNN);
        }
    }
}
