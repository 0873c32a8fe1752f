package dev.nlptoolkit.models.transformer;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.attention.AttentionInput;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * TransformerEncoderLayer and TransformerEncoder: the wiring against a composition of the parts and
 * by properties. TransformerParityTest holds the same Blocks to torch.
 */
class TransformerEncoderTest {

    private static final int SEED = 29;
    private static final int EMBED = 12;
    private static final int HEADS = 3;
    private static final int FEED_FORWARD = 10;
    private static final int BATCH = 2;
    private static final int LENGTH = 5;

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

    private static TransformerLayerConfig config(NormPlacement placement) {
        return TransformerLayerConfig.of(EMBED, HEADS, FEED_FORWARD).withNormPlacement(placement)
                .withActivation(Activation.GELU);
    }

    private <B extends Block> B initialised(B block) {
        block.initialize(manager, DataType.FLOAT32, new Shape(BATCH, LENGTH, EMBED));
        // LayerNorms start at weight 1, bias 0: perturb them so a misplaced norm shows.
        StateDict.of(block).forEach((name, p) -> {
            if (name.contains("norm")) {
                p.getArray().set(manager.randomNormal(p.getArray().getShape()).toFloatArray());
            }
        });
        return block;
    }

    @Test
    void parametersAreNamedAsTorchTransformerEncoderLayer() {
        TransformerEncoderLayer layer = initialised(TransformerEncoderLayer.builder().setConfig(config(NormPlacement.POST)).build());
        assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"), List.copyOf(StateDict.of(layer).keySet()));
        TransformerEncoder pre = initialised(TransformerEncoder.builder().setConfig(config(NormPlacement.PRE))
                .setLayers(2).build());
        List<String> names = List.copyOf(StateDict.of(pre).keySet());
        assertEquals("layers.0.self_attn.in_proj_weight", names.get(0));
        assertEquals(List.of("layers.1.norm2.bias", "norm.weight", "norm.bias"),
                names.subList(names.size() - 3, names.size()));
    }

    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void layerIsTheDocumentedCompositionOfItsParts(NormPlacement placement) {
        TransformerEncoderLayer layer = initialised(TransformerEncoderLayer.builder().setConfig(config(placement)).build());
        NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, EMBED));
        NDArray actual = layer.encode(ps, AttentionInput.selfAttention(x, null), false);

        Map<String, NDArray> p = StateDict.arrays(layer);
        NDArray w = p.get("self_attn.in_proj_weight");
        NDArray b = p.get("self_attn.in_proj_bias");
        UnaryOperator<NDArray> attention = h -> {
            NDArray q = split(project(h, w, b, 0));
            NDArray k = split(project(h, w, b, 1));
            NDArray v = split(project(h, w, b, 2));
            NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).div(Math.sqrt(EMBED / HEADS)).softmax(-1);
            NDArray merged = probs.matMul(v).transpose(0, 2, 1, 3).reshape(BATCH, LENGTH, EMBED);
            return merged.matMul(p.get("self_attn.out_proj.weight").transpose()).add(p.get("self_attn.out_proj.bias"));
        };
        UnaryOperator<NDArray> feedForward = h -> Activation.GELU.apply(
                        h.matMul(p.get("linear1.weight").transpose()).add(p.get("linear1.bias")))
                .matMul(p.get("linear2.weight").transpose()).add(p.get("linear2.bias"));
        UnaryOperator<NDArray> norm1 = h -> norm(h, p.get("norm1.weight"), p.get("norm1.bias"));
        UnaryOperator<NDArray> norm2 = h -> norm(h, p.get("norm2.weight"), p.get("norm2.bias"));
        NDArray expected;
        if (placement == NormPlacement.POST) {
            NDArray y = norm1.apply(x.add(attention.apply(x)));
            expected = norm2.apply(y.add(feedForward.apply(y)));
        } else {
            NDArray y = x.add(attention.apply(norm1.apply(x)));
            expected = y.add(feedForward.apply(norm2.apply(y)));
        }
        assertClose(expected, actual, placement + " layer");
    }

    /** h W_i^T + b_i with W_i the i-th (E, E) block of in_proj_weight (W_q; W_k; W_v). */
    private static NDArray project(NDArray h, NDArray w, NDArray b, int i) {
        String rows = i * EMBED + ":" + (i + 1) * EMBED;
        return h.matMul(w.get(rows).transpose()).add(b.get(rows));
    }

    private static NDArray split(NDArray x) {
        return x.reshape(BATCH, LENGTH, HEADS, EMBED / HEADS).transpose(0, 2, 1, 3);
    }

    private static NDArray norm(NDArray x, NDArray weight, NDArray bias) {
        NDArray mean = x.mean(new int[] {-1}, true);
        NDArray var = x.sub(mean).square().mean(new int[] {-1}, true);
        return x.sub(mean).div(var.add(LayerNorm.DEFAULT_EPS).sqrt()).mul(weight).add(bias);
    }

    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void stackPropertiesAndRoundTrip(NormPlacement placement) throws Exception {
        TransformerEncoder encoder = initialised(
                TransformerEncoder.builder().setConfig(config(placement)).setLayers(2).build());
        NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, EMBED));
        NDArray mask = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 0, 0}).reshape(BATCH, LENGTH);
        NDArray out = encoder.encode(ps, AttentionInput.selfAttention(x, mask), false);

        // padding does not change real positions
        NDArray trimmed = encoder.encode(ps, AttentionInput.selfAttention(x.get("1:2, 0:3"), null), false);
        assertClose(trimmed, out.get("1:2, 0:3"), "real positions without padding");
        // a batch of N equals N batches of 1
        NDArray first = encoder.encode(ps, AttentionInput.selfAttention(x.get("0:1"), mask.get("0:1")), false);
        assertClose(out.get("0:1"), first, "batch of one");
        // a causal mask hides the future through the whole stack
        NDArray changed = x.duplicate();
        changed.set(new NDIndex(":, 3:"), manager.randomNormal(new Shape(BATCH, 2, EMBED)));
        NDArray a = encoder.encode(ps, AttentionInput.selfAttention(x, null).withCausalMask(), false);
        NDArray b = encoder.encode(ps, AttentionInput.selfAttention(changed, null).withCausalMask(), false);
        assertClose(a.get(":, 0:3"), b.get(":, 0:3"), "causal outputs up to t = 2");

        NDList input = AttentionInput.selfAttention(x, mask).toNDList();
        assertSaveLoadRoundTrip(encoder, TransformerEncoder.builder().setConfig(config(placement)).setLayers(2).build(),
                manager, block -> forward(block, manager, input).singletonOrThrow());
    }

    /**
     * Without training each layer's intermediate arrays, the feed-forward's (B, T, F) among them, are
     * freed when it returns, and only the last layer's attention weights are kept; training keeps them.
     */
    @Test
    void inferenceFreesEachLayersIntermediateArraysAndTrainingKeepsThem() {
        TransformerEncoder encoder = initialised(
                TransformerEncoder.builder().setConfig(config(NormPlacement.POST)).setLayers(3).build());
        for (boolean training : new boolean[] {false, true}) {
            try (NDManager run = manager.newSubManager()) {
                NDArray x = run.randomNormal(new Shape(BATCH, LENGTH, EMBED));
                NDArray mask = run.create(new int[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}).reshape(BATCH, LENGTH);
                AttentionInput input = AttentionInput.selfAttention(x, mask);
                var out = encoder.encodeWithLastWeights(ps, input, training);
                assertEquals(new Shape(BATCH, HEADS, LENGTH, LENGTH), out.weights().getShape());
                List<NDArray> left = run.getManagedArrays();
                long wide = left.stream().filter(a -> a.getShape().equals(new Shape(BATCH, LENGTH, FEED_FORWARD)))
                        .count();
                long maps = left.stream().filter(a -> a.getShape().equals(out.weights().getShape())).count();
                if (training) {
                    assertTrue(wide >= 3, wide + " (B, T, F) arrays after a training forward");
                    assertTrue(maps >= 3, maps + " attention maps after a training forward");
                } else {
                    assertEquals(0, wide, "(B, T, F) arrays left after an inference forward");
                    assertEquals(1, maps, "attention maps left after an inference forward");
                }
            }
        }
    }

    /**
     * The stack makes its padding and causal mask once for all layers; each layer applying the input's
     * own mask, as a single layer does, gives the same output to the last bit.
     */
    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void stackMakesTheMaskOnceWithTheSameResultAsEachLayer(NormPlacement placement) {
        TransformerEncoder encoder = initialised(
                TransformerEncoder.builder().setConfig(config(placement)).setLayers(3).build());
        NDArray x = manager.randomNormal(new Shape(BATCH, LENGTH, EMBED));
        NDArray mask = manager.create(new int[] {1, 1, 1, 1, 1, 1, 1, 0, 0, 0}).reshape(BATCH, LENGTH);
        for (AttentionInput input : List.of(AttentionInput.selfAttention(x, mask),
                AttentionInput.selfAttention(x, mask).withCausalMask())) {
            NDArray h = x;
            for (var child : encoder.getChildren()) {
                if (child.getValue() instanceof TransformerEncoderLayer layer) {
                    h = layer.encode(ps, input.withQuery(h), false);
                } else {
                    h = Sublayers.apply(ps, child.getValue(), h, false);
                }
            }
            assertArrayEquals(h.toFloatArray(), encoder.encode(ps, input, false).toFloatArray(),
                    placement + (input.isCausal() ? ", causal" : ""));
        }
        AttentionInput made = AttentionInput.selfAttention(x, mask).withVisibilityMadeOnce(DataType.FLOAT32);
        NDArray additive = made.visibility(LENGTH);
        assertEquals(DataType.FLOAT32, additive.getDataType());
        assertEquals(new Shape(BATCH, 1, 1, LENGTH), additive.getShape());
        assertArrayEquals(new float[] {-0f, -0f, -0f, -0f, -0f, -0f, -0f, -Float.MAX_VALUE, -Float.MAX_VALUE,
                -Float.MAX_VALUE}, additive.toFloatArray());
        assertSame(additive, made.withQuery(x.add(1)).visibility(LENGTH), "the next layer's input keeps it");
        AttentionInput causal = AttentionInput.selfAttention(x, mask).withCausalMask()
                .withVisibilityMadeOnce(DataType.FLOAT32);
        NDArray oneQuery = x.get(":, -1:, :");
        IllegalArgumentException fewerQueries = assertThrows(IllegalArgumentException.class,
                () -> causal.withQuery(oneQuery));
        assertTrue(fewerQueries.getMessage().contains("made for " + LENGTH + " queries, not 1"),
                fewerQueries.getMessage());
        IllegalArgumentException moreKeys = assertThrows(IllegalArgumentException.class,
                () -> made.visibility(LENGTH + 1));
        assertTrue(moreKeys.getMessage().contains("made for " + LENGTH + " keys, not " + (LENGTH + 1)),
                moreKeys.getMessage());
    }

    @Test
    void geluTanhIsCloseToGeluAndReluIsRelu() {
        NDArray x = manager.create(new float[] {-2f, -0.5f, 0f, 0.5f, 2f});
        assertClose(manager.create(new float[] {0f, 0f, 0f, 0.5f, 2f}), Activation.RELU.apply(x), "relu");
        // the tanh form is within 1e-3 of the exact GELU on this range
        float gap = Activation.GELU.apply(x).sub(Activation.GELU_TANH.apply(x)).abs().max().getFloat();
        assertEquals(0f, gap, 1e-3f);
        // exact GELU(1) = Phi(1) = 0.8413447
        assertEquals(0.8413447f, Activation.GELU.apply(manager.create(1f)).getFloat(), 1e-6f);
    }
}
