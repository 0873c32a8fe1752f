package dev.nlptoolkit.models.recurrent;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Rnn} against torch.nn.RNN (fixtures/rnn, see its meta.json): tanh, input 5, hidden 7,
 * 2 layers, bidirectional, batch 3 of lengths [6, 4, 1].
 */
class RnnParityTest {

    private static final String WEIGHTS_PREFIX = "weights.";
    private static final int HIDDEN = 7;
    private static final int LAYERS = 2;

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static Map<String, NDArray> weights;
    private static Rnn rnn;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        Path file = Path.of(RnnParityTest.class.getResource("/fixtures/rnn/rnn.safetensors").toURI());
        fixture = SafeTensors.read(file, manager);
        weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(WEIGHTS_PREFIX)) {
                weights.put(key.substring(WEIGHTS_PREFIX.length()), value);
            }
        });
        rnn = newRnn();
        rnn.initialize(manager, DataType.FLOAT32, fixture.get("x").getShape());
        StateDict.load(rnn, weights, file.toString());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static Rnn newRnn() {
        return Rnn.builder().setHiddenSize(HIDDEN).optNumLayers(LAYERS).optBidirectional(true).build();
    }

    private static RecurrentOutput run(Rnn block, RecurrentInput input) {
        NDList out = block.forward(new ParameterStore(manager, false), input.toNDList(), false);
        return RecurrentOutput.fromNDList(out);
    }

    @Test
    void parametersAreNamedAsTorchRnn() {
        assertEquals(weights.keySet(), StateDict.of(rnn).keySet());
    }

    @Test
    void allStepsFromAGivenStateMatchTorch() {
        RecurrentOutput out = run(rnn, RecurrentInput.of(fixture.get("x")).withInitialState(fixture.get("h0")));
        assertClose(fixture.get("full.output"), out.output(), "full.output");
        assertClose(fixture.get("full.h_n"), out.hN(), "full.h_n");
        assertNull(out.cN(), "an RNN has no cell state");
    }

    @Test
    void paddedBatchMatchesTorchPackedSequence() {
        RecurrentOutput out = run(rnn, RecurrentInput.of(fixture.get("x")).withLengths(fixture.get("lengths")));
        assertClose(fixture.get("packed.output"), out.output(), "packed.output");
        assertClose(fixture.get("packed.h_n"), out.hN(), "packed.h_n");
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rnn.saveParameters(new DataOutputStream(bytes));
        Rnn fresh = newRnn();
        fresh.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        RecurrentOutput out = run(fresh, RecurrentInput.of(fixture.get("x")).withLengths(fixture.get("lengths")));
        assertClose(fixture.get("packed.output"), out.output(), "packed.output after reload");
        assertClose(fixture.get("packed.h_n"), out.hN(), "packed.h_n after reload");
    }
}
