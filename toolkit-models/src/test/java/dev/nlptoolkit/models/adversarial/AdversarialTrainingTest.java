package dev.nlptoolkit.models.adversarial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.FreedMemory;
import dev.nlptoolkit.models.classifier.BiLstmAttentionClassifier;
import dev.nlptoolkit.models.classifier.ClassificationLoss;
import dev.nlptoolkit.models.classifier.ClassifierConfig;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.ClassifierOutput;
import dev.nlptoolkit.models.classifier.CnnClassifier;
import dev.nlptoolkit.models.classifier.ModelType;
import dev.nlptoolkit.models.classifier.RcnnClassifier;
import dev.nlptoolkit.models.classifier.RecurrentClassifier;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.classifier.TransformerClassifier;
import dev.nlptoolkit.models.rcnn.Rcnn;
import dev.nlptoolkit.models.recurrent.Close;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The perturbation, the loss terms and the attack of {@link AdversarialTraining}, on tiny models. */
class AdversarialTrainingTest {

    private static final int SEED = 5;
    private static final int VOCAB = 19;
    private static final int EMBED = 6;
    private static final int HIDDEN = 5;
    private static final int CLASSES = 3;
    private static final int PAD = 0;
    private static final float NO_DROPOUT = 0f;
    private static final int STEPS = 5;
    private static final long[] LENGTHS = {5, 2, 4};
    private static final long[] LABELS = {2, 0, 1};
    private static final float EPSILON = 2.5f;
    private static final float ALPHA = 0.7f;
    private static final float BETA = 0.3f;
    private static final float GAMMA = 0.2f;
    /** Norms and sums of a few float32 values: a little looser than a forward pass. */
    private static final float LOSS_TOLERANCE = 1e-5f;

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

    private static ClassifierConfig config(ModelType type) {
        return switch (type) {
            case RNN, LSTM -> new RecurrentClassifier.Config(
                    type == ModelType.LSTM ? RecurrentClassifier.Cell.LSTM : RecurrentClassifier.Cell.RNN,
                    VOCAB, EMBED, HIDDEN, 1, true, NO_DROPOUT, CLASSES, PAD);
            case BILSTM_ATTENTION -> new BiLstmAttentionClassifier.Config(
                    VOCAB, EMBED, HIDDEN, HIDDEN, 1, NO_DROPOUT, CLASSES, PAD);
            case RCNN -> new RcnnClassifier.Config(VOCAB, EMBED, HIDDEN, HIDDEN, Rcnn.Context.RNN, NO_DROPOUT, CLASSES, PAD);
            case CNN -> new CnnClassifier.Config(VOCAB, EMBED, 1f, List.of(1, 2), HIDDEN, NO_DROPOUT, CLASSES, PAD,
                    CnnClassifier.Convolution.WIDE);
            case TRANSFORMER -> new TransformerClassifier.Config(VOCAB, EMBED, 2, HIDDEN, 1, NO_DROPOUT,
                    Activation.RELU, NormPlacement.PRE, CLASSES, PAD);
        };
    }

    private TextClassifier initialised(ModelType type) {
        TextClassifier model = TextClassifiers.create(config(type));
        TextClassifiers.initialize(model, manager);
        return model;
    }

    private AdversarialTraining training(TextClassifier model) {
        return AdversarialTraining.builder().setModel(model).optEpsilon(EPSILON).optAlpha(ALPHA).optBeta(BETA)
                .optGamma(GAMMA).build();
    }

    private ClassifierInput paddedInput() {
        NDArray ids = manager.randomInteger(1, VOCAB, new Shape(LENGTHS.length, STEPS), DataType.INT64);
        NDArray mask = manager.zeros(new Shape(LENGTHS.length, STEPS), DataType.INT64);
        for (int b = 0; b < LENGTHS.length; b++) {
            mask.set(new NDIndex("{}, :{}", b, LENGTHS[b]), 1);
        }
        return ClassifierInput.of(ids, mask);
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void perturbationHasNormEpsilonPerExampleIsZeroOnPaddingAndCarriesNoGradient(ModelType type) {
        TextClassifier model = initialised(type);
        ClassifierInput input = paddedInput();
        NDArray labels = manager.create(LABELS);
        NDArray r;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray embeddings = model.embed(store, input, true);
            r = training(model).perturbation(store, input, labels, embeddings, true);
        }
        assertEquals(new Shape(LENGTHS.length, STEPS, EMBED), r.getShape());
        assertFalse(r.hasGradient(), type + ": the perturbation must be a constant");
        for (int b = 0; b < LENGTHS.length; b++) {
            float norm = r.get(b).square().sum().sqrt().getFloat();
            assertEquals(EPSILON, norm, LOSS_TOLERANCE, type + " example " + b);
            if (LENGTHS[b] < STEPS) {
                NDArray padded = r.get(new NDIndex("{}, {}:", b, LENGTHS[b]));
                assertEquals(0f, padded.abs().max().getFloat(), type + " padding of example " + b);
            }
        }
        StateDict.of(model).forEach((name, p) ->
                assertTrue(p.getArray().hasGradient(), type + " " + name + " still takes gradients"));
    }

    /** The gradient pass inside {@code loss} must leave parameter gradients as the by-hand loss makes them. */
    @Test
    void lossEqualsItsPiecesAndAddsNothingToParameterGradients() {
        TextClassifier model = initialised(ModelType.BILSTM_ATTENTION);
        AdversarialTraining adversarial = training(model);
        ClassifierInput input = paddedInput();
        NDArray labels = manager.create(LABELS);

        NDArray total;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            total = adversarial.loss(store, input, labels, false);
            collector.backward(total);
        }
        Map<String, NDArray> fromLoss = gradients(model);
        Gradients.zero(StateDict.of(model).values());

        NDArray byHand;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray embeddings = model.embed(store, input, false);
            NDArray r = adversarial.perturbation(store, input, labels, embeddings, false);
            ClassifierOutput clean = model.classifyEmbedded(store, embeddings, input, false);
            ClassifierOutput perturbed = model.classifyEmbedded(store, embeddings.add(r), input, false);
            float expected = crossEntropy(clean.logits(), LABELS) + ALPHA * crossEntropy(perturbed.logits(), LABELS)
                    + BETA * klDivergence(clean.logits(), perturbed.logits())
                    + GAMMA * meanSquaredError(clean.representation(), perturbed.representation());
            assertEquals(expected, total.getFloat(), LOSS_TOLERANCE, "total loss");
            byHand = ClassificationLoss.crossEntropy(clean.logits(), labels)
                    .add(ClassificationLoss.crossEntropy(perturbed.logits(), labels).mul(ALPHA))
                    .add(klDivergenceArray(clean.logits().stopGradient(), perturbed.logits()).mul(BETA))
                    .add(clean.representation().sub(perturbed.representation()).square().mean().mul(GAMMA));
            collector.backward(byHand);
        }
        Map<String, NDArray> fromHand = gradients(model);
        fromHand.forEach((name, g) -> Close.assertClose(g, fromLoss.get(name), "gradient of " + name));
    }

    private static Map<String, NDArray> gradients(TextClassifier model) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        StateDict.of(model).forEach((name, p) -> out.put(name, Gradients.of(p.getArray()).duplicate()));
        return out;
    }

    /** -mean log softmax(logits)[label], in Java arithmetic. */
    private static float crossEntropy(NDArray logits, long[] labels) {
        float[][] p = softmax(logits);
        double sum = 0;
        for (int b = 0; b < labels.length; b++) {
            sum -= Math.log(p[b][(int) labels[b]]);
        }
        return (float) (sum / labels.length);
    }

    /** mean over rows of sum_c p log(p / q), in Java arithmetic. */
    private static float klDivergence(NDArray target, NDArray logits) {
        float[][] p = softmax(target);
        float[][] q = softmax(logits);
        double sum = 0;
        for (int b = 0; b < p.length; b++) {
            for (int c = 0; c < p[b].length; c++) {
                sum += p[b][c] * Math.log(p[b][c] / q[b][c]);
            }
        }
        return (float) (sum / p.length);
    }

    /** The same KL as an NDArray, to back-propagate. */
    private static NDArray klDivergenceArray(NDArray target, NDArray logits) {
        NDArray logP = target.logSoftmax(1);
        return logP.exp().mul(logP.sub(logits.logSoftmax(1))).sum().div(target.getShape().get(0));
    }

    private static float meanSquaredError(NDArray a, NDArray b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += (x[i] - y[i]) * (x[i] - y[i]);
        }
        return (float) (sum / x.length);
    }

    private static float[][] softmax(NDArray logits) {
        int rows = (int) logits.getShape().get(0);
        int classes = (int) logits.getShape().get(1);
        float[] flat = logits.toFloatArray();
        float[][] out = new float[rows][classes];
        for (int b = 0; b < rows; b++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, flat[b * classes + c]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(flat[b * classes + c] - max);
            }
            for (int c = 0; c < classes; c++) {
                out[b][c] = (float) (Math.exp(flat[b * classes + c] - max) / z);
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(ModelType.class)
    void theAttackRaisesTheLossAndEveryParameterGetsAGradient(ModelType type) {
        TextClassifier model = initialised(type);
        AdversarialTraining adversarial = training(model);
        ClassifierInput input = paddedInput();
        NDArray labels = manager.create(LABELS);
        float clean = ClassificationLoss.crossEntropy(model.classify(store, input, false).logits(), labels).getFloat();
        NDArray attacked = adversarial.attack(store, input, labels);
        assertEquals(new Shape(LENGTHS.length, CLASSES), attacked.getShape());
        assertTrue(ClassificationLoss.crossEntropy(attacked, labels).getFloat() > clean,
                type + ": a step along the loss gradient must raise the loss");

        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(adversarial.loss(store, input, labels, true));
        }
        for (Map.Entry<String, Parameter> e : StateDict.of(model).entrySet()) {
            NDArray g = Gradients.of(e.getValue().getArray());
            assertTrue(g != null && g.abs().sum().getFloat() > 0, type + " " + e.getKey() + " has no gradient");
        }
    }

    /**
     * The combined loss's gradients (clean, adversarial, virtual adversarial and representation
     * terms) do not depend on the collector running, and freed memory being reused, before backward.
     */
    @ParameterizedTest
    @EnumSource(ModelType.class)
    void gradientsAreTheSameWhenTheCollectorRunsBeforeBackward(ModelType type) {
        FreedMemory.assertGradientsIgnoreTheCollector(type.toString(), () -> {
            Engine.getInstance().setRandomSeed(SEED);
            return initialised(type);
        }, model -> training(model).loss(store, paddedInput(), manager.create(LABELS), true), manager);
    }

    @Test
    void badSettingsSayHowToFixThem() {
        TextClassifier model = initialised(ModelType.RNN);
        assertMessage(() -> AdversarialTraining.builder().build(), "setModel");
        assertMessage(() -> AdversarialTraining.builder().setModel(model).optEpsilon(0).build(), "optEpsilon");
        assertMessage(() -> AdversarialTraining.builder().setModel(model).optAlpha(-1).build(), "alpha");
        assertMessage(() -> AdversarialTraining.builder().setModel(model).optBeta(Float.NaN).build(), "beta");
        assertMessage(() -> AdversarialTraining.builder().setModel(model).optAlpha(0).build(), "optAlpha(1)");
    }

    private static void assertMessage(Runnable build, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should mention '" + expected + "'");
    }
}
