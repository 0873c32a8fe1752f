package dev.nlptoolkit.models.seq2seq;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.models.FreedMemory;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Both translation models: incremental decoding against teacher forcing, the cache's reorder, save
 * and load, configs as JSON, and no native memory left behind by decoding.
 */
class Seq2SeqModelTest {

    private static final int SEED = 41;
    private static final int SOURCE_VOCAB = 13;
    private static final int TARGET_VOCAB = 11;
    private static final int PAD = 0;
    private static final int BOS = 2;

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    /** One config per decoder kind: LSTM with each score, Transformer POST/PRE, learned and shared. */
    static Stream<Seq2SeqConfig> configs() {
        return Stream.of(
                new LstmAttentionSeq2Seq.Config(SOURCE_VOCAB, TARGET_VOCAB, 6, 5, 7, 2, AttentionScore.GENERAL, 1,
                        0.1f, PAD),
                new LstmAttentionSeq2Seq.Config(SOURCE_VOCAB, TARGET_VOCAB, 6, 5, 7, 1, AttentionScore.ADDITIVE, 9,
                        0.1f, PAD),
                new TransformerSeq2Seq.Config(SOURCE_VOCAB, TARGET_VOCAB, 12, 3, 10, 2, 2, 0.1f, Activation.RELU,
                        NormPlacement.POST, PositionEncoding.SINUSOIDAL, 16, false, false, true, PAD),
                new TransformerSeq2Seq.Config(SOURCE_VOCAB, SOURCE_VOCAB, 12, 3, 10, 2, 3, 0.1f, Activation.GELU,
                        NormPlacement.PRE, PositionEncoding.LEARNED, 16, true, true, true, PAD));
    }

    /**
     * The label-smoothed loss's gradients do not depend on the garbage collector: collecting, and
     * reusing the freed native memory, between forward and backward changes no bit.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void gradientsAreTheSameWhenTheCollectorRunsBeforeBackward(Seq2SeqConfig config) {
        NDArray targets = manager.create(new long[][] {{4, 5, 6, 7, 3}, {8, 3, 0, 0, 0}, {9, 10, 4, 3, 0}});
        FreedMemory.assertGradientsIgnoreTheCollector(config.modelType().toString(), () -> {
            Engine.getInstance().setRandomSeed(SEED);
            return Seq2SeqModels.createInitialized(config, manager);
        }, model -> new LabelSmoothedCrossEntropy(0.1f, PAD).mean(model.logits(ps, batch(), true), targets), manager);
    }

    private Seq2SeqInput batch() {
        NDArray src = manager.create(new long[][] {{5, 6, 7, 8, 9}, {10, 4, 3, 0, 0}, {12, 0, 0, 0, 0}});
        NDArray tgtIn = manager.create(new long[][] {{BOS, 4, 5, 6, 7}, {BOS, 8, 0, 0, 0}, {BOS, 9, 10, 4, 0}});
        return new Seq2SeqInput(src, src.neq(PAD), tgtIn, tgtIn.neq(PAD));
    }

    @ParameterizedTest
    @MethodSource("configs")
    void stepsEqualTeacherForcing(Seq2SeqConfig config) {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        Seq2SeqInput in = batch();
        NDArray full = model.logits(ps, in, false);
        EncoderOutput encoded = model.encode(ps, in.sourceIds(), in.sourceMask(), false);
        long steps = in.targetInputIds().getShape().get(1);
        // capacity 2 makes the caches grow twice on the way
        try (DecoderCache cache = model.startDecoding(ps, encoded, 2)) {
            for (long t = 0; t < steps; t++) {
                NDArray logits = model.step(ps, cache, in.targetInputIds().get(new NDIndex(":, {}", t)));
                // a padded position's logits are not defined: teacher forcing hides its key, a step cannot
                NDArray real = in.targetMask().get(new NDIndex(":, {}", t)).toType(logits.getDataType(), false)
                        .expandDims(1);
                assertClose(full.get(new NDIndex(":, {}", t)).mul(real), logits.mul(real),
                        config.modelType() + " step " + t);
                NDArray attention = cache.lastAttention();
                assertClose(manager.ones(new Shape(3)), attention.sum(new int[] {1}),
                        "attention rows sum to 1");
                // the third source has one real token: all its weight is there
                assertEquals(1f, attention.getFloat(2, 0), 1e-6f);
            }
            assertEquals(steps, cache.length());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void reorderFollowsTheChosenRows(Seq2SeqConfig config) {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        Seq2SeqInput in = batch();
        NDArray full = model.logits(ps, in, false);
        EncoderOutput encoded = model.encode(ps, in.sourceIds(), in.sourceMask(), false);
        NDArray order = manager.create(new long[] {2, 0, 0});
        try (DecoderCache cache = model.startDecoding(ps, encoded, 4)) {
            model.step(ps, cache, in.targetInputIds().get(":, 0"));
            model.step(ps, cache, in.targetInputIds().get(":, 1"));
            // rows 2, 0, 0 continue: as a beam search that keeps two continuations of sentence 0
            cache.reorder(order);
            assertEquals(3, cache.batchSize());
            NDArray next = in.targetInputIds().get(":, 2").get(order);
            NDArray logits = model.step(ps, cache, next);
            assertClose(full.get(":, 2").get(order), logits, config.modelType() + " after reorder");
            // a finished sentence leaves the batch
            cache.reorder(manager.create(new long[] {0}));
            NDArray last = model.step(ps, cache, in.targetInputIds().get(new NDIndex("2:3, 3")));
            assertClose(full.get(new NDIndex("2:3, 3")), last, config.modelType() + " after dropping rows");
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void decodingStepsLeaveNoArraysBehind(Seq2SeqConfig config) {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        try (NDManager inputs = NDManager.newBaseManager()) {
            NDArray src = inputs.create(new long[][] {{5, 6, 7}, {8, 9, 0}});
            int modelArrays = manager.getManagedArrays().size();
            int callerArrays = inputs.getManagedArrays().size();
            try (NDManager decode = inputs.newSubManager()) {
                // as the searches do: what the encoder makes from the sources closes with the search
                decode.tempAttachAll(src);
                EncoderOutput encoded = model.encode(ps, src, src.neq(PAD), false);
                try (DecoderCache cache = model.startDecoding(ps, encoded, 2)) {
                    for (int t = 0; t < 12; t++) {
                        try (NDManager step = decode.newSubManager()) {
                            model.step(ps, cache, step.create(new long[] {BOS, 4}));
                            if (t % 3 == 2) {
                                cache.reorder(step.create(new long[] {1, 0}));
                            }
                        }
                    }
                }
            }
            assertEquals(modelArrays, manager.getManagedArrays().size(), "arrays left among the parameters");
            assertEquals(callerArrays, inputs.getManagedArrays().size(), "arrays left in the caller's manager");
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void safetensorsAndDjlRoundTripsGiveIdenticalLogits(Seq2SeqConfig config, @TempDir Path dir) throws Exception {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        NDArray before = model.logits(ps, batch(), false);

        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, StateDict.arrays(model));
        Seq2SeqModel reloaded = Seq2SeqModels.createInitialized(Seq2SeqModels.readConfig(
                JsonParser.parseString(config.toJson().toString()).getAsJsonObject()), manager);
        StateDict.load(reloaded, SafeTensors.read(file, manager), file.toString());
        assertArrayEquals(before.toFloatArray(), reloaded.logits(ps, batch(), false).toFloatArray());

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.saveParameters(new DataOutputStream(bytes));
        Seq2SeqModel fresh = Seq2SeqModels.create(config);
        fresh.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertArrayEquals(before.toFloatArray(), fresh.logits(ps, batch(), false).toFloatArray());
    }

    /** Teacher forcing trains: the label-smoothed loss sends a gradient to every parameter, tied ones included. */
    @ParameterizedTest
    @MethodSource("configs")
    void theLossReachesEveryParameter(Seq2SeqConfig config) {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        Map<String, Parameter> parameters = StateDict.of(model);
        parameters.values().forEach(p -> p.getArray().setRequiresGradient(true));
        Seq2SeqInput in = batch();
        // the target outputs: the inputs shifted left, eos (3) last, padding kept
        NDArray targets = manager.create(new long[][] {{4, 5, 6, 7, 3}, {8, 3, 0, 0, 0}, {9, 10, 4, 3, 0}});
        LabelSmoothedCrossEntropy loss = new LabelSmoothedCrossEntropy(LabelSmoothedCrossEntropy.DEFAULT_SMOOTHING,
                PAD);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(loss.mean(model.logits(new ParameterStore(manager, false), in, true), targets));
        }
        parameters.forEach((name, p) -> assertTrue(p.getArray().getGradient().abs().sum().getFloat() > 0,
                config.modelType() + ": no gradient reaches " + name));
    }

    @Test
    void parameterNamesAreTheReferenceModulesNames() {
        Seq2SeqModel lstm = Seq2SeqModels.createInitialized(configs().findFirst().orElseThrow(), manager);
        List<String> names = List.copyOf(StateDict.of(lstm).keySet());
        assertEquals(List.of("source_embedding.weight", "target_embedding.weight", "encoder.weight_ih_l0"),
                names.subList(0, 3));
        assertTrue(names.containsAll(List.of("bridge_h.weight", "bridge_c.bias", "decoder.weight_hh_l1",
                "attention.key_proj.weight", "attention_out.weight", "output_projection.bias")), names.toString());
        Seq2SeqModel shared = Seq2SeqModels.createInitialized(configs().toList().get(3), manager);
        List<String> sharedNames = List.copyOf(StateDict.of(shared).keySet());
        assertTrue(sharedNames.containsAll(List.of("source_embedding.weight", "source_positions.weight",
                "target_positions.weight", "encoder.norm.weight", "decoder.layers.2.multihead_attn.in_proj_weight")));
        assertTrue(sharedNames.stream().noneMatch(n -> n.startsWith("target_embedding")
                || n.startsWith("output_projection")), "shared and tied tables are stored once: " + sharedNames);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void configsRoundTripThroughJsonStrictly(Seq2SeqConfig config) {
        JsonObject json = config.toJson();
        assertEquals(config.modelType().configName(), json.get(Seq2SeqConfig.MODEL_TYPE).getAsString());
        assertEquals(config, Seq2SeqModels.readConfig(json));
        json.addProperty("hiden_size", 3);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Seq2SeqModels.readConfig(json));
        assertTrue(unknown.getMessage().contains("hiden_size"), unknown.getMessage());
    }

    @Test
    void configsNameWhatIsWrong() {
        JsonObject noVocabulary = new JsonObject();
        noVocabulary.addProperty(Seq2SeqConfig.MODEL_TYPE, "transformer");
        noVocabulary.addProperty("source_vocab_size", 10);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Seq2SeqModels.readConfig(noVocabulary))
                .getMessage().contains("target_vocab_size"));
        JsonObject unknownType = new JsonObject();
        unknownType.addProperty(Seq2SeqConfig.MODEL_TYPE, "gru");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Seq2SeqModels.readConfig(unknownType))
                .getMessage().contains("lstm-attention"));
        IllegalArgumentException shared = assertThrows(IllegalArgumentException.class,
                () -> new TransformerSeq2Seq.Config(10, 12, 8, 2, 8, 1, 1, 0f, Activation.RELU, NormPlacement.PRE,
                        PositionEncoding.SINUSOIDAL, 8, true, true, true, PAD));
        assertTrue(shared.getMessage().contains("share_embeddings"), shared.getMessage());
        IllegalArgumentException dot = assertThrows(IllegalArgumentException.class,
                () -> new LstmAttentionSeq2Seq.Config(10, 10, 4, 4, 6, 1, AttentionScore.DOT, 1, 0f, PAD));
        assertTrue(dot.getMessage().contains("decoder_hidden_size"), dot.getMessage());
    }

    @Test
    void paddingInTheSourceChangesNothingForTheRealTokens() {
        for (Seq2SeqConfig config : configs().toList()) {
            Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
            Seq2SeqInput in = batch();
            NDArray logits = model.logits(ps, in, false);
            // sentence 2 alone, without its source padding
            Seq2SeqInput alone = new Seq2SeqInput(in.sourceIds().get("2:3, 0:1"), in.sourceMask().get("2:3, 0:1"),
                    in.targetInputIds().get("2:3, 0:4"), in.targetMask().get("2:3, 0:4"));
            assertClose(logits.get("2:3, 0:4"), model.logits(ps, alone, false), config.modelType() + " padding");
        }
    }
}
