package dev.nlptoolkit.models.recurrent;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Lstm} against torch.nn.LSTM (fixtures/lstm, see its meta.json): input 8, hidden 16, 2 layers,
 * bidirectional, batch 3 of lengths [6, 4, 1].
 */
class LstmParityTest {

    private static final String WEIGHTS_PREFIX = "weights.";
    private static final int HIDDEN = 16;
    private static final int LAYERS = 2;

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static Lstm lstm;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        Path file = Path.of(LstmParityTest.class.getResource("/fixtures/lstm/lstm.safetensors").toURI());
        fixture = SafeTensors.read(file, manager);
        lstm = Lstm.builder().setHiddenSize(HIDDEN).optNumLayers(LAYERS).optBidirectional(true).build();
        lstm.initialize(manager, DataType.FLOAT32, fixture.get("x").getShape());
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(WEIGHTS_PREFIX)) {
                weights.put(key.substring(WEIGHTS_PREFIX.length()), value);
            }
        });
        StateDict.load(lstm, weights, file.toString());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static RecurrentOutput run(RecurrentInput input) {
        NDList out = lstm.forward(new ParameterStore(manager, false), input.toNDList(), false);
        return RecurrentOutput.fromNDList(out);
    }

    @Test
    void allStepsFromAGivenStateMatchTorch() {
        RecurrentOutput out = run(RecurrentInput.of(fixture.get("x"))
                .withInitialState(fixture.get("h0"), fixture.get("c0")));
        assertClose(fixture.get("full.output"), out.output(), "full.output");
        assertClose(fixture.get("full.h_n"), out.hN(), "full.h_n");
        assertClose(fixture.get("full.c_n"), out.cN(), "full.c_n");
    }

    @Test
    void paddedBatchMatchesTorchPackedSequence() {
        RecurrentOutput out = run(RecurrentInput.of(fixture.get("x")).withLengths(fixture.get("lengths")));
        assertClose(fixture.get("packed.output"), out.output(), "packed.output");
        assertClose(fixture.get("packed.h_n"), out.hN(), "packed.h_n");
        assertClose(fixture.get("packed.c_n"), out.cN(), "packed.c_n");
    }

    @Test
    void lengthsThatFillEveryStepTakeTheSamePathAsNoLengths() {
        NDArray x = fixture.get("x");
        long batch = x.getShape().get(0);
        long steps = x.getShape().get(1);
        NDArray full = manager.full(new ai.djl.ndarray.types.Shape(batch), steps, DataType.INT64);
        RecurrentOutput withLengths = run(RecurrentInput.of(x).withLengths(full));
        RecurrentOutput without = run(RecurrentInput.of(x));
        assertClose(without.output(), withLengths.output(), "output");
        assertClose(without.cN(), withLengths.cN(), "c_n");
    }
}
