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
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.Test;

import java.util.List;

class PositionalEncodingTest {

    private static final int SEED = 37;
    /** Odd, so the last column is a sine without its cosine. */
    private static final int EMBED = 5;

    @Test
    void sinusoidsFollowVaswani() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray table = SinusoidalPositionalEncoding.table(manager, 0, 4, EMBED);
            assertEquals(new Shape(4, EMBED), table.getShape());
            float[] expected = new float[4 * EMBED];
            for (int p = 0; p < 4; p++) {
                for (int j = 0; j < EMBED; j++) {
                    double angle = p / Math.pow(10000, 2 * (j / 2) / (double) EMBED);
                    expected[p * EMBED + j] = (float) (j % 2 == 0 ? Math.sin(angle) : Math.cos(angle));
                }
            }
            assertClose(manager.create(expected).reshape(4, EMBED), table, "table");
            // an offset continues the same table, as incremental decoding needs
            assertClose(table.get("2:4"), SinusoidalPositionalEncoding.table(manager, 2, 2, EMBED), "offset");

            SinusoidalPositionalEncoding block = SinusoidalPositionalEncoding.builder().build();
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 4, EMBED));
            NDArray x = manager.ones(new Shape(2, 4, EMBED));
            NDArray out = forward(block, manager, new NDList(x)).singletonOrThrow();
            assertClose(table.add(1).expandDims(0).repeat(0, 2), out, "added to every row");
        }
    }

    @Test
    void learnedPositionsAddTheirRowsAndRoundTrip() throws Exception {
        Engine.getInstance().setRandomSeed(SEED);
        try (NDManager manager = NDManager.newBaseManager()) {
            LearnedPositionalEmbedding block = LearnedPositionalEmbedding.builder().setMaxLength(6).setEmbedDim(EMBED).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, EMBED));
            assertEquals(List.of("weight"), List.copyOf(StateDict.of(block).keySet()));
            NDArray weight = StateDict.arrays(block).get("weight");
            assertEquals(new Shape(6, EMBED), weight.getShape());
            NDArray x = manager.randomNormal(new Shape(2, 3, EMBED));
            ParameterStore ps = new ParameterStore(manager, false);
            assertClose(x.add(weight.get("2:5")), block.encode(ps, x, 2, false), "rows 2..4");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> block.encode(ps, x, 4, false));
            assertEquals(true, e.getMessage().contains("setMaxLength"), e.getMessage());

            assertSaveLoadRoundTrip(block, LearnedPositionalEmbedding.builder().setMaxLength(6).setEmbedDim(EMBED).build(),
                    manager, b -> forward(b, manager, new NDList(x)).singletonOrThrow());
        }
    }
}
