package dev.nlptoolkit.models.transformer;

import static dev.nlptoolkit.models.attention.Blocks.assertClose;
import static dev.nlptoolkit.models.attention.Blocks.assertSaveLoadRoundTrip;
import static dev.nlptoolkit.models.attention.Blocks.forward;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.Test;

import java.util.List;

class LayerNormTest {

    private static final float BERT_EPS = 1e-12f;

    @Test
    void normalisesTheLastAxisThenScalesAndShiftsByName() throws Exception {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager manager = NDManager.newBaseManager()) {
            LayerNorm norm = LayerNorm.builder().optEps(BERT_EPS).build();
            Shape shape = new Shape(2, 3, 5);
            norm.initialize(manager, DataType.FLOAT32, shape);
            assertEquals(List.of("weight", "bias"), List.copyOf(StateDict.of(norm).keySet()));
            NDArray w = manager.randomNormal(new Shape(5));
            NDArray b = manager.randomNormal(new Shape(5));
            StateDict.of(norm).get("weight").getArray().set(w.toFloatArray());
            StateDict.of(norm).get("bias").getArray().set(b.toFloatArray());

            NDArray x = manager.randomNormal(shape);
            NDArray mean = x.mean(new int[] {-1}, true);
            NDArray var = x.sub(mean).square().mean(new int[] {-1}, true);
            NDArray expected = x.sub(mean).div(var.add(BERT_EPS).sqrt()).mul(w).add(b);
            assertClose(expected, forward(norm, manager, new NDList(x)).singletonOrThrow(), "layer norm");

            assertSaveLoadRoundTrip(norm, LayerNorm.builder().optEps(BERT_EPS).build(), manager,
                    block -> forward(block, manager, new NDList(x)).singletonOrThrow());
        }
    }

    @Test
    void rejectsANonPositiveEpsilonWithAHint() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> LayerNorm.builder().optEps(0f).build());
        assertEquals(true, e.getMessage().contains("positive"));
    }
}
