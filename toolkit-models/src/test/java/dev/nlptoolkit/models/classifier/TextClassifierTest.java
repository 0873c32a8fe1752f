package dev.nlptoolkit.models.classifier;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.models.FreedMemory;
import dev.nlptoolkit.models.rcnn.Rcnn;
import dev.nlptoolkit.models.recurrent.Close;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Properties every classifier trained from scratch must have, on tiny configs with odd sizes. */
class TextClassifierTest {

    private static final int SEED = 7;
    private static final int VOCAB = 23;
    private static final int EMBED = 6;
    private static final int HIDDEN = 5;
    private static final int ATTENTION = 3;
    private static final int LATENT = 4;
    private static final int HEADS = 2;
    private static final int FEED_FORWARD = 9;
    private static final int LAYERS = 2;
    private static final int CLASSES = 3;
    private static final int PAD = 0;
    /** No dropout where outputs are compared; some where gradients must flow through it. */
    private static final float NO_DROPOUT = 0f;
    private static final float DROPOUT = 0.2f;
    private static final int STEPS = 5;
    private static final long[] LENGTHS = {5, 2, 4, 1};
    private static final long[] LABELS = {0, 2, 1, 2};
    private static final List<Integer> CNN_WIDTHS = List.of(2, 3, 6);
    private static final int CNN_MAPS = 4;

    /** The same tiny config for each model type. */
    static ClassifierConfig config(ModelType type, float dropout) {
        return switch (type) {
            case RNN, LSTM -> new RecurrentClassifier.Config(
                    type == ModelType.LSTM ? RecurrentClassifier.Cell.LSTM : RecurrentClassifier.Cell.RNN,
                    VOCAB, EMBED, HIDDEN, LAYERS, true, dropout, CLASSES, PAD);
            case BILSTM_ATTENTION -> new BiLstmAttentionClassifier.Config(
                    VOCAB, EMBED, HIDDEN, ATTENTION, LAYERS, dropout, CLASSES, PAD);
            case RCNN -> new RcnnClassifier.Config(VOCAB, EMBED, HIDDEN, LATENT, Rcnn.Context.LSTM, dropout, CLASSES, PAD);
            // widths above the shortest rows (1 and 2 tokens) and one above the whole batch's T
            case CNN -> new CnnClassifier.Config(VOCAB, EMBED, 1f, CNN_WIDTHS, CNN_MAPS, dropout, CLASSES, PAD,
                    CnnClassifier.Convolution.WIDE);
            case TRANSFORMER -> new TransformerClassifier.Config(VOCAB, EMBED, HEADS, FEED_FORWARD, LAYERS, dropout,
                    Activation.GELU, NormPlacement.PRE, CLASSES, PAD);
        };
    }

    /** D, the representation size of {@link #config}. */
    private static long representationSize(ModelType type) {
        return switch (type) {
            case TRANSFORMER -> EMBED;
            case RCNN -> LATENT;
            case CNN -> (long) CNN_WIDTHS.size() * CNN_MAPS;
            default -> 2L * HIDDEN;
        };
    }

    private NDManager manager;
    private ParameterStore store;

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
        store = new ParameterStore(manager, false);
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private TextClassifier initialised(ModelType type, float dropout) {
        TextClassifier model = TextClassifiers.create(config(type, dropout).toJson());
        TextClassifiers.initialize(model, manager);
        return model;
    }

    /** (B, T) ids with random real tokens and random non-pad garbage at padding, so a leak would show. */
    private ClassifierInput paddedInput() {
        NDArray ids = manager.randomInteger(1, VOCAB, new Shape(LENGTHS.length, STEPS), DataType.INT64);
        NDArray mask = manager.zeros(new Shape(LENGTHS.length, STEPS), DataType.INT64);
        for (int b = 0; b < LENGTHS.length; b++) {
            mask.set(new NDIndex("{}, :{}", b, LENGTHS[b]), 1);
        }
        return ClassifierInput.of(ids, mask);
    }

    private static ClassifierInput rows(ClassifierInput input, int from, int to, long length) {
        NDIndex index = new NDIndex("{}:{}, :{}", from, to, length);
        return ClassifierInput.of(input.tokenIds().get(index), input.attentionMask().get(index));
    }

    /**
     * Gradients do not depend on the garbage collector: collecting, and reusing the freed native
     * memory, between forward and backward changes no bit (a graph that kept borrowed Java memory,
     * as DJL's {@code x.mul(0.5)} does, would read garbage there).
     */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void gradientsAreTheSameWhenTheCollectorRunsBeforeBackward(ModelType type) {
        FreedMemory.assertGradientsIgnoreTheCollector(type.toString(), () -> {
            Engine.getInstance().setRandomSeed(SEED);
            return initialised(type, DROPOUT);
        }, model -> ClassificationLoss.crossEntropy(model.classify(store, paddedInput(), true).logits(),
                manager.create(LABELS)), manager);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void outputsHaveTheDocumentedShapes(ModelType type) {
        TextClassifier model = initialised(type, NO_DROPOUT);
        ClassifierInput input = paddedInput();
        ClassifierOutput out = model.classify(store, input, false);
        long batch = LENGTHS.length;
        assertEquals(new Shape(batch, CLASSES), out.logits().getShape());
        assertEquals(new Shape(batch, representationSize(type)), out.representation().getShape());
        assertEquals(new Shape(batch, CLASSES), model.getOutputShapes(new Shape[] {new Shape(batch, STEPS)})[0]);
        assertEquals(CLASSES, model.numClasses());
        assertEquals(new Shape(batch, STEPS, EMBED), model.embed(store, input, false).getShape());
        assertClose(out.logits(), model.forward(store, input.toNDList(), false).singletonOrThrow(), type + " forward");
        if (type == ModelType.BILSTM_ATTENTION || type == ModelType.TRANSFORMER || type == ModelType.CNN) {
            NDArray weights = out.tokenWeights();
            assertEquals(new Shape(batch, STEPS), weights.getShape());
            assertClose(manager.ones(new Shape(batch)), weights.sum(new int[] {1}), "weights sum to 1");
            NDArray onPadding = weights.mul(input.attentionMask().eq(0).toType(weights.getDataType(), false));
            assertEquals(0f, onPadding.abs().max().getFloat(), "weights on padding");
        } else {
            assertNull(out.tokenWeights(), type + " has no token weights");
        }
        if (type == ModelType.TRANSFORMER) {
            NDArray attention = out.selfAttention();
            assertEquals(new Shape(batch, HEADS, STEPS, STEPS), attention.getShape());
            // every query's row is a distribution over the real keys
            assertClose(manager.ones(new Shape(batch, HEADS, STEPS)), attention.sum(new int[] {3}), "rows sum to 1");
            NDArray padKeys = input.attentionMask().eq(0).toType(attention.getDataType(), false)
                    .reshape(batch, 1, 1, STEPS);
            assertEquals(0f, attention.mul(padKeys).abs().max().getFloat(), "attention to padded keys");
            assertNull(model.classify(store, input, true).selfAttention(), "no attention maps kept in training");
        } else {
            assertNull(out.selfAttention(), type + " has no self-attention");
        }
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void paddingDoesNotChangeTheLogits(ModelType type) {
        TextClassifier model = initialised(type, NO_DROPOUT);
        ClassifierInput input = paddedInput();
        NDArray batch = model.classify(store, input, false).logits();
        for (int b = 0; b < LENGTHS.length; b++) {
            ClassifierInput alone = rows(input, b, b + 1, LENGTHS[b]);
            assertClose(model.classify(store, alone, false).logits().get(0), batch.get(b), type + " row " + b);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void batchOfNEqualsNBatchesOfOne(ModelType type) {
        TextClassifier model = initialised(type, DROPOUT);
        ClassifierInput input = paddedInput();
        ClassifierOutput batch = model.classify(store, input, false);
        for (int b = 0; b < LENGTHS.length; b++) {
            ClassifierOutput alone = model.classify(store, rows(input, b, b + 1, STEPS), false);
            assertClose(alone.logits(), batch.logits().get(new NDIndex("{}:{}", b, b + 1)), type + " row " + b);
            assertClose(alone.representation(), batch.representation().get(new NDIndex("{}:{}", b, b + 1)),
                    type + " representation " + b);
        }
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void parametersHaveTorchNamesAndThePaddingRowStartsAtZero(ModelType type) {
        TextClassifier model = initialised(type, NO_DROPOUT);
        Map<String, Parameter> names = StateDict.of(model);
        assertEquals(new Shape(VOCAB, EMBED), names.get("embedding.weight").getArray().getShape(), names.keySet().toString());
        assertEquals(new Shape(CLASSES, representationSize(type)), names.get("classifier.weight").getArray().getShape());
        String recurrentWeight = switch (type) {
            case RNN, LSTM -> "rnn.weight_hh_l1_reverse";
            case BILSTM_ATTENTION -> "lstm.weight_hh_l1_reverse";
            case RCNN -> "rcnn.context.weight_hh_l0_reverse";
            case CNN -> "convs.2.weight";
            case TRANSFORMER -> "encoder.layers.1.linear2.weight";
        };
        assertTrue(names.containsKey(recurrentWeight), type + " " + names.keySet());
        NDArray padRow = names.get("embedding.weight").getArray().get(PAD);
        assertEquals(0f, padRow.abs().max().getFloat(), "padding row");
        assertTrue(names.get("embedding.weight").getArray().get(PAD + 1).abs().max().getFloat() > 0, "other rows");
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void gradientsReachEveryParameter(ModelType type) {
        TextClassifier model = initialised(type, DROPOUT);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = model.classify(store, paddedInput(), true).logits();
            collector.backward(ClassificationLoss.crossEntropy(logits, manager.create(LABELS)));
        }
        StateDict.of(model).forEach((name, p) -> assertTrue(
                p.getArray().getGradient().abs().sum().getFloat() > 0, type + " " + name + " has no gradient"));
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void dropoutActsOnlyWhileTraining(ModelType type) {
        TextClassifier model = initialised(type, DROPOUT);
        ClassifierInput input = paddedInput();
        Close.assertSame(model.classify(store, input, false).logits(), model.classify(store, input, false).logits(),
                type + " inference is deterministic");
        float change = model.classify(store, input, true).logits().sub(model.classify(store, input, false).logits())
                .abs().max().getFloat();
        assertTrue(change > Close.TOLERANCE, type + ": dropout changed nothing while training");
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void safetensorsRoundTripGivesIdenticalLogits(ModelType type, @TempDir Path dir) throws Exception {
        TextClassifier model = initialised(type, NO_DROPOUT);
        ClassifierInput input = paddedInput();
        NDArray expected = model.classify(store, input, false).logits();
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, StateDict.arrays(model));

        Engine.getInstance().setRandomSeed(SEED + 1);
        TextClassifier loaded = TextClassifiers.createInitialized(config(type, NO_DROPOUT).toJson(), manager);
        StateDict.load(loaded, SafeTensors.read(file, manager), file.toString());
        StateDict.arrays(model).forEach((name, array) ->
                Close.assertSame(array, StateDict.arrays(loaded).get(name), type + " " + name));
        Close.assertSame(expected, loaded.classify(store, input, false).logits(), type + " logits after loading");
    }
}
