package dev.nlptoolkit.models.transformer;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static dev.nlptoolkit.models.attention.Blocks.readFixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.attention.ScaledDotProductAttention;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Our transformer layers and stacks against torch.nn.TransformerEncoderLayer, TransformerDecoderLayer,
 * TransformerEncoder and TransformerDecoder (fixtures/transformer, see its meta.json: E 16, 4 heads,
 * feed-forward 24, batch 3 with padded source and target, causal target mask), loaded by torch's
 * state_dict names, for POST and PRE normalisation with ReLU and GELU.
 */
class TransformerParityTest {

    private static final String FILE = "transformer/transformer.safetensors";
    private static final int EMBED = 16;
    private static final int HEADS = 4;
    private static final int FEED_FORWARD = 24;
    private static final int STACK_LAYERS = 2;
    private static final String FINAL_NORM = "norm.";

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static ParameterStore ps;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fixture = readFixture(FILE, manager);
        ps = new ParameterStore(manager, false);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** The fixture's configs, named as its outputs are: {@code <placement>_<activation>}. */
    static Stream<Arguments> layerConfigs() {
        return Stream.of(
                Arguments.of("post_relu", NormPlacement.POST, Activation.RELU),
                Arguments.of("post_gelu", NormPlacement.POST, Activation.GELU),
                Arguments.of("pre_relu", NormPlacement.PRE, Activation.RELU),
                Arguments.of("pre_gelu", NormPlacement.PRE, Activation.GELU));
    }

    static Stream<Arguments> stackConfigs() {
        return Stream.of(
                Arguments.of("post_relu", NormPlacement.POST, Activation.RELU),
                Arguments.of("pre_gelu", NormPlacement.PRE, Activation.GELU));
    }

    private static TransformerLayerConfig config(NormPlacement placement, Activation activation) {
        return TransformerLayerConfig.of(EMBED, HEADS, FEED_FORWARD).withNormPlacement(placement)
                .withActivation(activation);
    }

    /**
     * The torch state_dict of one kind ({@code encoder_layer}, ...). The stacks' final norm is stored
     * once for both placements; a POST stack has none, as torch's with {@code norm=None}.
     */
    private static Map<String, NDArray> torchWeights(String kind, boolean withFinalNorm) {
        String prefix = kind + ".weights.";
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                String name = key.substring(prefix.length());
                if (withFinalNorm || !name.startsWith(FINAL_NORM)) {
                    weights.put(name, value);
                }
            }
        });
        return weights;
    }

    /** torch's key_padding_masks are 1 for padding; ours are nonzero for real tokens. */
    private static NDArray realTokens(String torchMask) {
        return fixture.get(torchMask).eq(0).toType(DataType.INT32, false);
    }

    private static AttentionInput source() {
        return AttentionInput.selfAttention(fixture.get("src"), realTokens("src_key_padding_mask"));
    }

    private static DecoderInput target(NDArray memory) {
        return new DecoderInput(fixture.get("tgt"), realTokens("tgt_key_padding_mask"), memory,
                realTokens("src_key_padding_mask"));
    }

    private static <B extends Block> B loaded(B block, String kind, boolean withFinalNorm, NDList inputs)
            throws Exception {
        block.initialize(manager, DataType.FLOAT32, inputs.getShapes());
        StateDict.load(block, torchWeights(kind, withFinalNorm), FILE + " " + kind);
        return block;
    }

    private static TransformerEncoderLayer encoderLayer(TransformerLayerConfig config) throws Exception {
        return loaded(TransformerEncoderLayer.builder().setConfig(config).build(), "encoder_layer", false,
                source().toNDList());
    }

    private static TransformerDecoderLayer decoderLayer(TransformerLayerConfig config) throws Exception {
        return loaded(TransformerDecoderLayer.builder().setConfig(config).build(), "decoder_layer", false,
                target(fixture.get("src")).toNDList());
    }

    private static TransformerEncoder encoder(TransformerLayerConfig config) throws Exception {
        return loaded(TransformerEncoder.builder().setConfig(config).setLayers(STACK_LAYERS).build(), "encoder",
                config.normPlacement() == NormPlacement.PRE, source().toNDList());
    }

    private static TransformerDecoder decoder(TransformerLayerConfig config) throws Exception {
        return loaded(TransformerDecoder.builder().setConfig(config).setLayers(STACK_LAYERS).build(), "decoder",
                config.normPlacement() == NormPlacement.PRE, target(fixture.get("src")).toNDList());
    }

    @Test
    void ourCausalMaskIsTorchsTargetMask() {
        NDArray hidden = fixture.get("tgt_mask").neq(0);
        long steps = hidden.getShape().get(0);
        assertEquals(hidden.logicalNot().reshape(1, 1, steps, steps),
                ScaledDotProductAttention.causalVisibility(manager, steps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerConfigs")
    void encoderLayerMatchesTorch(String name, NormPlacement placement, Activation activation) throws Exception {
        NDArray out = encoderLayer(config(placement, activation)).encode(ps, source(), false);
        assertClose(fixture.get("encoder_layer." + name + ".output"), out, "encoder_layer." + name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layerConfigs")
    void decoderLayerMatchesTorch(String name, NormPlacement placement, Activation activation) throws Exception {
        NDArray out = decoderLayer(config(placement, activation)).decode(ps, target(fixture.get("src")), false);
        assertClose(fixture.get("decoder_layer." + name + ".output"), out, "decoder_layer." + name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stackConfigs")
    void encoderAndDecoderStacksMatchTorch(String name, NormPlacement placement, Activation activation)
            throws Exception {
        TransformerLayerConfig config = config(placement, activation);
        NDArray memory = encoder(config).encode(ps, source(), false);
        assertClose(fixture.get("encoder." + name + ".output"), memory, "encoder." + name);
        // The decoder reads torch's memory, so that its comparison does not inherit the encoder's error.
        NDArray out = decoder(config).decode(ps, target(fixture.get("encoder." + name + ".output")), false);
        assertClose(fixture.get("decoder." + name + ".output"), out, "decoder." + name);
    }

    @Test
    void stepByStepDecodingMatchesTorchAtRealPositions() throws Exception {
        TransformerLayerConfig config = config(NormPlacement.PRE, Activation.GELU);
        TransformerDecoder decoder = decoder(config);
        NDArray memory = fixture.get("encoder.pre_gelu.output");
        NDArray tgt = fixture.get("tgt");
        NDArray expected = fixture.get("decoder.pre_gelu.output");
        // Steps know no target padding, so only the full-length first row is compared.
        String row = "0:1";
        DecoderState state = decoder.start(ps, memory.get(row), realTokens("src_key_padding_mask").get(row), false);
        for (long t = 0; t < tgt.getShape().get(1); t++) {
            String at = row + ", " + t + ":" + (t + 1);
            TransformerDecoder.Step step = decoder.step(ps, tgt.get(at), state, false);
            assertClose(expected.get(at), step.output(), "step " + t);
            state = step.state();
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        TransformerLayerConfig config = config(NormPlacement.PRE, Activation.GELU);
        NDList input = target(fixture.get("encoder.pre_gelu.output")).toNDList();
        assertSaveLoadRoundTrip(decoder(config),
                TransformerDecoder.builder().setConfig(config).setLayers(STACK_LAYERS).build(), manager,
                b -> forward(b, manager, input).get(0));
    }
}
