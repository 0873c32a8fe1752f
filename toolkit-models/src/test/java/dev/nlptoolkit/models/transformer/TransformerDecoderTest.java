package dev.nlptoolkit.models.transformer;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

/** TransformerDecoderLayer and TransformerDecoder: incremental decoding, masking, persistence. */
class TransformerDecoderTest {

    private static final int SEED = 31;
    private static final int EMBED = 12;
    private static final int HEADS = 3;
    private static final int FEED_FORWARD = 10;
    private static final int BATCH = 2;
    private static final int TARGET = 4;
    private static final int SOURCE = 5;

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

    private TransformerDecoder decoder(NormPlacement placement) {
        TransformerDecoder decoder = TransformerDecoder.builder().setConfig(config(placement)).setLayers(2).build();
        decoder.initialize(manager, DataType.FLOAT32, new Shape(BATCH, TARGET, EMBED), new Shape(BATCH, SOURCE, EMBED));
        return decoder;
    }

    private static TransformerLayerConfig config(NormPlacement placement) {
        return TransformerLayerConfig.of(EMBED, HEADS, FEED_FORWARD).withNormPlacement(placement)
                .withActivation(Activation.GELU_TANH);
    }

    /** The last source position of the second row is padding. */
    private NDArray memoryMask() {
        return manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0}).reshape(BATCH, SOURCE);
    }

    @Test
    void parametersAreNamedAsTorchTransformerDecoderLayer() {
        TransformerDecoderLayer layer = TransformerDecoderLayer.builder().setConfig(config(NormPlacement.POST)).build();
        layer.initialize(manager, DataType.FLOAT32, new Shape(BATCH, TARGET, EMBED), new Shape(BATCH, SOURCE, EMBED));
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "multihead_attn.in_proj_weight", "multihead_attn.in_proj_bias",
                "multihead_attn.out_proj.weight", "multihead_attn.out_proj.bias", "linear1.weight", "linear1.bias",
                "linear2.weight", "linear2.bias", "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias",
                "norm3.weight", "norm3.bias"), List.copyOf(StateDict.of(layer).keySet()));
    }

    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void incrementalDecodingEqualsFullDecoding(NormPlacement placement) {
        TransformerDecoder decoder = decoder(placement);
        NDArray target = manager.randomNormal(new Shape(BATCH, TARGET, EMBED));
        NDArray memory = manager.randomNormal(new Shape(BATCH, SOURCE, EMBED));
        NDArray full = decoder.decode(ps, new DecoderInput(target, null, memory, memoryMask()), false);

        DecoderState state = decoder.start(ps, memory, memoryMask(), false);
        for (int t = 0; t < TARGET; t++) {
            String position = ":, " + t + ":" + (t + 1);
            TransformerDecoder.Step s = decoder.step(ps, target.get(position), state, false);
            assertClose(full.get(position), s.output(), placement + " step " + t);
            state = s.state();
            assertEquals(t + 1, state.length());
        }
    }

    @Test
    void twoPositionsAtOnceAfterACacheEqualFullDecoding() {
        TransformerDecoder decoder = decoder(NormPlacement.POST);
        NDArray target = manager.randomNormal(new Shape(BATCH, TARGET, EMBED));
        NDArray memory = manager.randomNormal(new Shape(BATCH, SOURCE, EMBED));
        NDArray full = decoder.decode(ps, new DecoderInput(target, null, memory, null), false);
        DecoderState state = decoder.start(ps, memory, null, false);
        TransformerDecoder.Step first = decoder.step(ps, target.get(":, 0:2"), state, false);
        TransformerDecoder.Step second = decoder.step(ps, target.get(":, 2:4"), first.state(), false);
        assertClose(full.get(":, 0:2"), first.output(), "first two");
        assertClose(full.get(":, 2:4"), second.output(), "last two after the cache");
    }

    @Test
    void futureTargetsAndPaddedMemoryChangeNothing() throws Exception {
        TransformerDecoder decoder = decoder(NormPlacement.PRE);
        NDArray target = manager.randomNormal(new Shape(BATCH, TARGET, EMBED));
        NDArray memory = manager.randomNormal(new Shape(BATCH, SOURCE, EMBED));
        NDArray out = decoder.decode(ps, new DecoderInput(target, null, memory, memoryMask()), false);

        NDArray changedTarget = target.duplicate();
        changedTarget.set(new NDIndex(":, 2:"), 3f);
        NDArray changedMemory = memory.duplicate();
        changedMemory.set(new NDIndex("1, 4:"), -5f);
        NDArray other = decoder.decode(ps, new DecoderInput(changedTarget, null, changedMemory, memoryMask()), false);
        assertClose(out.get(":, 0:2"), other.get(":, 0:2"), "positions before the change");

        NDArray second = decoder.decode(
                ps, new DecoderInput(target.get("1:2"), null, memory.get("1:2, 0:4"), null), false);
        assertClose(out.get("1:2"), second, "second row without memory padding, as a batch of one");

        NDList input = new DecoderInput(target, null, memory, memoryMask()).toNDList();
        TransformerDecoder fresh = TransformerDecoder.builder().setConfig(config(NormPlacement.PRE)).setLayers(2).build();
        assertSaveLoadRoundTrip(decoder, fresh, manager, block -> forward(block, manager, input).singletonOrThrow());
    }

    /**
     * The stack makes its causal, target and memory masks once for all layers; each layer making them
     * from the input, as a single layer does, gives the same output to the last bit.
     */
    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void stackMakesTheMasksOnceWithTheSameResultAsEachLayer(NormPlacement placement) {
        TransformerDecoder decoder = decoder(placement);
        NDArray target = manager.randomNormal(new Shape(BATCH, TARGET, EMBED));
        NDArray memory = manager.randomNormal(new Shape(BATCH, SOURCE, EMBED));
        NDArray targetMask = manager.create(new int[] {1, 1, 1, 1, 1, 1, 0, 0}).reshape(BATCH, TARGET);
        DecoderInput input = new DecoderInput(target, targetMask, memory, memoryMask());
        NDArray h = target;
        for (var child : decoder.getChildren()) {
            h = child.getValue() instanceof TransformerDecoderLayer layer
                    ? layer.decode(ps, new DecoderInput(h, targetMask, memory, memoryMask()), false)
                    : Sublayers.apply(ps, child.getValue(), h, false);
        }
        assertArrayEquals(h.toFloatArray(), decoder.decode(ps, input, false).toFloatArray(), placement.toString());
    }
}
