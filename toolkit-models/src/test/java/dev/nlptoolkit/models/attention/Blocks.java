package dev.nlptoolkit.models.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.models.weights.StateDict;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.function.Function;

/** Test helpers shared by the attention and transformer tests. */
public final class Blocks {

    /** Forward tolerance against references, per the house rules. */
    public static final float TOLERANCE = 1e-5f;

    private Blocks() {}

    public static Path fixture(String relative) throws Exception {
        return Paths.get(Blocks.class.getResource("/fixtures/" + relative).toURI());
    }

    public static Map<String, NDArray> readFixture(String relative, NDManager manager) throws Exception {
        return SafeTensors.read(fixture(relative), manager);
    }

    /** Inference-mode forward pass. */
    public static NDList forward(Block block, NDManager manager, NDList inputs) {
        return block.forward(new ParameterStore(manager, false), inputs, false);
    }

    public static void assertClose(NDArray expected, NDArray actual, String what) {
        assertEquals(expected.getShape(), actual.getShape(), what + ": shape");
        float diff = expected.sub(actual).abs().max().getFloat();
        if (!(diff <= TOLERANCE)) {
            throw new AssertionError(what + ": max abs difference " + diff + " > " + TOLERANCE);
        }
    }

    /**
     * Saves {@code block} with DJL's parameter format, loads it into {@code fresh} (an uninitialised
     * twin built the same way), checks every parameter by name and that {@code run} gives the same
     * output on both.
     */
    public static void assertSaveLoadRoundTrip(
            Block block, Block fresh, NDManager manager, Function<Block, NDArray> run) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(bytes));
        fresh.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        Map<String, NDArray> before = StateDict.arrays(block);
        Map<String, NDArray> after = StateDict.arrays(fresh);
        assertEquals(before.keySet(), after.keySet());
        for (Map.Entry<String, NDArray> e : before.entrySet()) {
            assertClose(e.getValue(), after.get(e.getKey()), e.getKey());
        }
        assertClose(run.apply(block), run.apply(fresh), "output after reload");
    }
}
