package dev.nlptoolkit.models.bert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.checkpoint.TensorInfo;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.GradientClipping;
import dev.nlptoolkit.core.train.LearningRateSchedule;
import dev.nlptoolkit.models.FreedMemory;
import dev.nlptoolkit.models.attention.Blocks;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.ClassifierOutput;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * BERT against transformers' BertForSequenceClassification on test-fixtures/tiny-bert (see its
 * meta.json): every intermediate output, the loss, the gradients and one SGD step; then loading
 * variants, saving, and the padding and length properties.
 */
class BertParityTest {

    private static final String FIXTURE = "tiny-bert";
    private static final float FORWARD_TOLERANCE = 1e-5f;
    private static final float LOSS_TOLERANCE = 1e-6f;
    private static final double GRAD_NORM_RELATIVE_TOLERANCE = 1e-5;
    private static final float SGD_LEARNING_RATE = 0.5f;
    private static final double ADAMW_LEARNING_RATE = 1e-3;
    private static final double ADAMW_BETA1 = 0.9;
    private static final double ADAMW_BETA2 = 0.999;
    private static final double ADAMW_EPS = 1e-8;
    private static final double ADAMW_WEIGHT_DECAY = 0.01;
    private static final int SEED = 1234;
    private static final int LAYERS = 2;

    /** The fixture checkpoint, loaded once for the tests that only read it. */
    private static NDManager shared;
    private static BertForSequenceClassification model;
    private static Map<String, NDArray> expected;

    @BeforeAll
    static void loadFixture() throws Exception {
        shared = NDManager.newBaseManager();
        model = BertCheckpoint.loadClassifier(fixtureDir(), shared);
        expected = expected(shared);
    }

    @AfterAll
    static void closeFixture() {
        shared.close();
    }

    @Test
    void forwardMatchesEveryHiddenStateAttentionMapAndLogit() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertClassifierOutput out = model.forward(new ParameterStore(manager, false), input(expected), false,
                    BertModel.Extra.HIDDEN_STATES, BertModel.Extra.ATTENTIONS);

            assertEquals(LAYERS + 1, out.bert().hiddenStates().size());
            for (int i = 0; i <= LAYERS; i++) {
                assertClose(expected.get("hidden_states." + i), out.bert().hiddenStates().get(i), "hidden_states." + i);
            }
            assertEquals(LAYERS, out.bert().attentions().size());
            for (int i = 0; i < LAYERS; i++) {
                assertClose(expected.get("attentions." + i), out.bert().attentions().get(i), "attentions." + i);
            }
            assertClose(expected.get("last_hidden_state"), out.bert().lastHiddenState(), "last_hidden_state");
            assertClose(expected.get("pooler_output"), out.bert().poolerOutput(), "pooler_output");
            assertClose(expected.get("logits"), out.logits(), "logits");

            float loss = model.loss(out.logits(), expected.get("labels")).getFloat();
            assertEquals(expected.get("loss").getFloat(), loss, LOSS_TOLERANCE, "loss");
        }
    }

    @Test
    void extrasAreEmptyUnlessRequested() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertClassifierOutput out = model.forward(new ParameterStore(manager, false), input(expected), false);
            assertTrue(out.bert().hiddenStates().isEmpty());
            assertTrue(out.bert().attentions().isEmpty());
            // the Block form gives the same logits
            NDArray viaBlock = Blocks.forward(model, manager, input(expected).toNDList()).singletonOrThrow();
            assertClose(out.logits(), viaBlock, "logits via Block.forward");
        }
    }

    @Test
    void gradientNormAndOneSgdStepMatchTorch() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertForSequenceClassification fresh = BertCheckpoint.loadClassifier(fixtureDir(), manager);
            Map<String, NDArray> gradients = gradients(fresh, manager);
            assertEquals(StateDict.of(fresh).keySet(), gradients.keySet());

            double squares = 0;
            for (NDArray g : gradients.values()) {
                squares += g.square().sum().getFloat();
            }
            double expectedNorm = expected.get("sgd.grad_norm").getFloat();
            assertEquals(expectedNorm, Math.sqrt(squares), expectedNorm * GRAD_NORM_RELATIVE_TOLERANCE, "grad norm");

            Map<String, NDArray> params = StateDict.arrays(fresh);
            for (Map.Entry<String, NDArray> e : gradients.entrySet()) {
                params.get(e.getKey()).subi(e.getValue().mul(SGD_LEARNING_RATE));
            }
            NDArray logits = fresh.forward(new ParameterStore(manager, false), input(expected), false).logits();
            assertClose(expected.get("sgd.logits_after_step"), logits, "logits after one SGD step");
        }
    }

    @Test
    void gradientNormAndOneAdamWStepMatchTorch() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertForSequenceClassification fresh = BertCheckpoint.loadClassifier(fixtureDir(), manager);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = fresh.forward(new ParameterStore(manager, false), input(expected), false).logits();
                collector.backward(fresh.loss(logits, expected.get("labels")));
            }
            Map<String, Parameter> parameters = StateDict.of(fresh);
            double expectedNorm = expected.get("adamw.grad_norm").getFloat();
            double norm = GradientClipping.clipByGlobalNorm(parameters.values(), Double.MAX_VALUE);
            assertEquals(expectedNorm, norm, expectedNorm * GRAD_NORM_RELATIVE_TOLERANCE, "grad norm");

            try (AdamW adamW = AdamW.builder()
                    .setParameters(parameters)
                    .setSchedule(LearningRateSchedule.constant(ADAMW_LEARNING_RATE))
                    .optBetas(ADAMW_BETA1, ADAMW_BETA2)
                    .optEps(ADAMW_EPS)
                    .optWeightDecay(ADAMW_WEIGHT_DECAY)
                    .optDecayFilter(AdamW.decayAll())
                    .build()) {
                adamW.step();
            }
            NDArray logits = fresh.forward(new ParameterStore(manager, false), input(expected), false).logits();
            assertClose(expected.get("adamw.logits_after_step"), logits, "logits after one AdamW step");
        }
    }

    /**
     * One eval-mode forward and backward pass of the mean cross-entropy on the fixture batch; the
     * gradient of every parameter of {@code classifier} by checkpoint name. DJL's PyTorch collector
     * accumulates into the parameters' gradients, so this returns copies and zeroes the originals:
     * each call sees only its own pass.
     */
    static Map<String, NDArray> gradients(BertForSequenceClassification classifier, NDManager manager) {
        return gradients(classifier, manager, false);
    }

    /** As {@link #gradients(BertForSequenceClassification, NDManager)}, collecting garbage before backward if asked. */
    private static Map<String, NDArray> gradients(
            BertForSequenceClassification classifier, NDManager manager, boolean churn) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray logits = classifier.forward(new ParameterStore(manager, false), input(expected), false).logits();
            NDArray loss = classifier.loss(logits, expected.get("labels"));
            if (churn) {
                FreedMemory.churn(manager);
            }
            collector.backward(loss);
        }
        StateDict.of(classifier).forEach((name, p) -> {
            NDArray gradient = p.getArray().getGradient();
            out.put(name, gradient.duplicate());
            gradient.subi(gradient);
        });
        return out;
    }

    /**
     * Without training each layer's intermediate arrays are freed when the layer returns, the
     * feed-forward's (B, T, I) ones among them; training keeps them (backward needs them).
     */
    @Test
    void inferenceFreesEachLayersIntermediateArraysAndTrainingKeepsThem() {
        long intermediateSize = model.getConfig().intermediateSize();
        for (boolean training : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDList ids = new NDList(expected.get("input_ids").duplicate(),
                        expected.get("attention_mask").duplicate(), expected.get("token_type_ids").duplicate());
                ids.attach(manager);
                NDArray logits = model.forward(
                        new ParameterStore(manager, false), BertInput.of(ids.get(0), ids.get(1), ids.get(2)), training)
                        .logits();
                if (!training) {
                    assertClose(expected.get("logits"), logits, "logits");
                }
                long wide = manager.getManagedArrays().stream()
                        .filter(a -> a.getShape().tail() == intermediateSize)
                        .count();
                if (training) {
                    assertTrue(wide >= 2L * LAYERS, wide + " (B, T, I) arrays after a training forward");
                } else {
                    assertEquals(0, wide, "(B, T, I) arrays left after an inference forward");
                }
            }
        }
    }

    /** Collecting garbage, and reusing the freed native memory, between forward and backward changes no bit. */
    @Test
    void gradientsAreTheSameWhenTheCollectorRunsBeforeBackward() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> quiet = gradients(model, manager, false);
            Map<String, NDArray> churned = gradients(model, manager, true);
            assertEquals(quiet.keySet(), churned.keySet());
            quiet.forEach((name, g) -> assertArrayEquals(g.toFloatArray(), churned.get(name).toFloatArray(), name));
        }
    }

    @Test
    void theSplitAtWordEmbeddingsGivesTheSameOutputsAndAGradientForAPerturbation() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            BertInput bertInput = input(expected);
            ClassifierInput input = new ClassifierInput(
                    bertInput.inputIds(), bertInput.attentionMask(), bertInput.tokenTypeIds());
            assertEquals(2, model.numClasses());
            ClassifierOutput classified = model.classify(store, input, false);
            assertClose(expected.get("logits"), classified.logits(), "TextClassifier logits");
            assertClose(expected.get("attentions." + (LAYERS - 1)), classified.selfAttention(),
                    "TextClassifier self-attention: the last layer's");
            assertEquals(null, model.classify(store, input, true).selfAttention(),
                    "no attention maps kept in training");
            assertClose(expected.get("hidden_states.0"), model.getBert().embeddingOutput(store, bertInput, false),
                    "embedding output");

            NDArray perturbation = manager.zeros(bertInput.shape().add(model.getConfig().hiddenSize()));
            perturbation.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray words = model.embed(store, input, false);
                ClassifierOutput out = model.classifyEmbedded(store, words.add(perturbation), input, false);
                assertClose(expected.get("pooler_output"), out.representation(), "representation");
                collector.backward(model.loss(out.logits(), expected.get("labels")));
            }
            NDArray gradient = perturbation.getGradient();
            NDArray padding = bertInput.attentionMask().eq(0).expandDims(2);
            assertTrue(gradient.abs().sum().getFloat() > 0, "the loss depends on the word embeddings");
            // the pooler reads the first token, which never attends to padding
            assertEquals(0f, gradient.mul(padding).abs().max().getFloat(), "gradient at padded positions");
        }
    }

    @Test
    void savedThenLoadedIsIdenticalWithTransformersNamesAndShapes(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertCheckpoint.save(model, dir);

            SafetensorsHeader reference = SafetensorsHeader.read(fixtureDir().resolve(BertCheckpoint.WEIGHTS_FILE));
            SafetensorsHeader saved = SafetensorsHeader.read(dir.resolve(BertCheckpoint.WEIGHTS_FILE));
            assertEquals(shapes(reference), shapes(saved));
            assertEquals(Map.of("format", "pt"), saved.metadata());
            assertEquals(BertConfig.read(fixtureDir().resolve(BertCheckpoint.CONFIG_FILE)).labels(),
                    BertConfig.read(dir.resolve(BertCheckpoint.CONFIG_FILE)).labels());

            BertForSequenceClassification reloaded = BertCheckpoint.loadClassifier(dir, manager);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray before = model.forward(store, input(expected), false).logits();
            NDArray after = reloaded.forward(store, input(expected), false).logits();
            assertArrayEquals(before.toFloatArray(), after.toFloatArray(), "logits after save and load");

            Blocks.assertSaveLoadRoundTrip(model,
                    BertForSequenceClassification.builder().setConfig(model.getConfig()).build(), manager,
                    block -> Blocks.forward(block, manager, input(expected).toNDList()).singletonOrThrow());
        }
    }

    @Test
    void loadsABertModelCheckpointWithoutPrefixOrHeadAndIgnoresBuffersAndPretrainingHeads(@TempDir Path dir)
            throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : fixtureTensors(manager).entrySet()) {
                if (e.getKey().startsWith("bert.")) {
                    tensors.put(e.getKey().substring("bert.".length()), e.getValue());
                }
            }
            BertConfig config = model.getConfig();
            int positions = config.maxPositionEmbeddings();
            tensors.put("embeddings.position_ids",
                    manager.arange(0, positions, 1, DataType.INT64).reshape(1, positions));
            tensors.put("cls.predictions.bias", manager.zeros(new Shape(config.vocabSize())));
            writeCheckpoint(dir, tensors);

            BertModel bert = BertCheckpoint.loadModel(dir, manager);
            ParameterStore store = new ParameterStore(manager, false);
            BertModelOutput out = bert.forward(store, input(expected), false);
            assertClose(expected.get("last_hidden_state"), out.lastHiddenState(), "last_hidden_state");
            assertClose(expected.get("pooler_output"), out.poolerOutput(), "pooler_output");

            Path bareDir = dir.resolve("saved");
            BertCheckpoint.save(bert, bareDir);
            Set<String> savedNames =
                    SafetensorsHeader.read(bareDir.resolve(BertCheckpoint.WEIGHTS_FILE)).tensors().keySet();
            Set<String> expectedNames = new HashSet<>(tensors.keySet());
            expectedNames.removeIf(BertCheckpoint.IGNORED_KEYS);
            assertEquals(expectedNames, savedNames);
            assertClose(out.lastHiddenState(),
                    BertCheckpoint.loadModel(bareDir, manager).forward(store, input(expected), false).lastHiddenState(),
                    "BertModel after save and load");

            Engine.getInstance().setRandomSeed(SEED);
            List<String> labels = List.of("neg", "neutral", "pos");
            BertForSequenceClassification fresh =
                    BertCheckpoint.loadClassifier(dir, manager, labels, BertCheckpoint.Head.LOAD_OR_INITIALISE);
            assertEquals(labels, fresh.getConfig().labels());
            Map<String, NDArray> params = StateDict.arrays(fresh);
            assertEquals(new Shape(labels.size(), config.hiddenSize()), params.get("classifier.weight").getShape());
            assertEquals(0f, params.get("classifier.bias").abs().max().getFloat());
            // 96 draws from N(0, initializer_range): the sample std is within a factor 2 of it
            double range = config.initializerRange();
            float std = params.get("classifier.weight").square().mean().sqrt().getFloat();
            assertTrue(std > range / 2 && std < range * 2, "fresh head weights ~ N(0, " + range + "), got std " + std);
            BertClassifierOutput classified = fresh.forward(new ParameterStore(manager, false), input(expected), false);
            assertClose(expected.get("pooler_output"), classified.bert().poolerOutput(), "pooler under a fresh head");
        }
    }

    @Test
    void loadsLegacyGammaBetaNames(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            writeCheckpoint(dir, renamed(fixtureTensors(manager),
                    key -> key.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")));
            BertForSequenceClassification model = BertCheckpoint.loadClassifier(dir, manager);
            NDArray logits = model.forward(new ParameterStore(manager, false), input(expected), false).logits();
            assertClose(expected.get("logits"), logits, "logits from gamma/beta names");
        }
    }

    @Test
    void aHeadForOtherLabelsIsAnErrorUnlessReinitialised() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            List<String> labels = List.of("a", "b", "c");
            CheckpointException e = assertThrows(CheckpointException.class, () -> BertCheckpoint.loadClassifier(
                    fixtureDir(), manager, labels, BertCheckpoint.Head.LOAD_OR_INITIALISE));
            assertTrue(e.getMessage().contains("classifier.weight") && e.getMessage().contains("REINITIALISE"),
                    e.getMessage());

            BertForSequenceClassification model = BertCheckpoint.loadClassifier(
                    fixtureDir(), manager, labels, BertCheckpoint.Head.REINITIALISE);
            BertClassifierOutput out = model.forward(new ParameterStore(manager, false), input(expected), false);
            assertEquals(new Shape(input(expected).shape().get(0), labels.size()), out.logits().getShape());
            assertClose(expected.get("pooler_output"), out.bert().poolerOutput(), "pooler under a new head");
        }
    }

    @Test
    void anInputLongerThanMaxPositionEmbeddingsIsAClearError() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            int tooLong = model.getConfig().maxPositionEmbeddings() + 1;
            NDArray ids = manager.ones(new Shape(1, tooLong), DataType.INT64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(new ParameterStore(manager, false), BertInput.of(ids), false));
            assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
        }
    }

    @Test
    void paddingDoesNotChangeRealTokensAndABatchEqualsSingleSequences() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            BertModel bert = model.getBert();
            ParameterStore store = new ParameterStore(manager, false);
            BertInput batch = input(expected);
            NDArray batched = bert.forward(store, batch, false).lastHiddenState();
            long rows = batch.shape().get(0);
            long extraPadding = 5;
            for (long b = 0; b < rows; b++) {
                long real = batch.attentionMask().get(b).sum().getLong();
                NDIndex row = new NDIndex("{}:{}, 0:{}", b, b + 1, real);
                BertInput alone = BertInput.of(batch.inputIds().get(row), batch.attentionMask().get(row),
                        batch.tokenTypeIds().get(row));
                NDArray unpadded = bert.forward(store, alone, false).lastHiddenState();
                assertClose(batched.get(new NDIndex("{}:{}, 0:{}", b, b + 1, real)), unpadded, "row " + b + " alone");

                BertInput padded = BertInput.of(padRight(alone.inputIds(), extraPadding),
                        padRight(alone.attentionMask(), extraPadding), padRight(alone.tokenTypeIds(), extraPadding));
                NDArray morePadding = bert.forward(store, padded, false).lastHiddenState();
                assertClose(unpadded, morePadding.get(new NDIndex(":, 0:{}", real)), "row " + b + " padded further");
            }
        }
    }

    private static NDArray padRight(NDArray x, long count) {
        NDArray zeros = x.getManager().zeros(new Shape(x.getShape().get(0), count), x.getDataType());
        return NDArrays.concat(new NDList(x, zeros), 1);
    }

    static Path fixtureDir() throws Exception {
        return Path.of(BertParityTest.class.getResource("/fixtures/" + FIXTURE).toURI());
    }

    static Map<String, NDArray> expected(NDManager manager) throws Exception {
        return SafeTensors.read(fixtureDir().resolve("expected.safetensors"), manager);
    }

    static BertInput input(Map<String, NDArray> expected) {
        return BertInput.of(expected.get("input_ids"), expected.get("attention_mask"), expected.get("token_type_ids"));
    }

    private static Map<String, NDArray> fixtureTensors(NDManager manager) throws Exception {
        return SafeTensors.read(fixtureDir().resolve(BertCheckpoint.WEIGHTS_FILE), manager);
    }

    private static Map<String, NDArray> renamed(Map<String, NDArray> tensors, UnaryOperator<String> rename) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(rename.apply(k), v));
        return out;
    }

    private static void writeCheckpoint(Path dir, Map<String, NDArray> tensors) throws Exception {
        SafeTensors.write(dir.resolve(BertCheckpoint.WEIGHTS_FILE), tensors, ModelDirectory.WEIGHTS_METADATA);
        Files.copy(fixtureDir().resolve(BertCheckpoint.CONFIG_FILE), dir.resolve(BertCheckpoint.CONFIG_FILE),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private static Map<String, List<Long>> shapes(SafetensorsHeader header) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors().values()) {
            out.put(t.name() + " " + t.dtype(), Arrays.stream(t.shape()).boxed().toList());
        }
        return out;
    }

    private static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float diff = expected.sub(actual).abs().max().getFloat();
        assertTrue(diff <= FORWARD_TOLERANCE, what + ": max abs difference " + diff + " > " + FORWARD_TOLERANCE);
    }
}
