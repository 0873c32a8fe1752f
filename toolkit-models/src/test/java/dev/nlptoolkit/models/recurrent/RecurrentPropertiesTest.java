package dev.nlptoolkit.models.recurrent;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;
import static dev.nlptoolkit.models.recurrent.Close.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.FreedMemory;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;

/** Properties both {@link Lstm} and {@link Rnn} must have, on a tiny config with odd sizes. */
class RecurrentPropertiesTest {

    private static final int SEED = 11;
    private static final int INPUT = 5;
    private static final int HIDDEN = 7;
    private static final int LAYERS = 2;
    private static final int STEPS = 6;
    private static final long[] LENGTHS = {6, 3, 1, 4};
    private static final float GARBAGE = 1e3f;

    /** Both cells, each built the same way. */
    enum Cell {
        LSTM {
            @Override
            StackedRecurrent build(float dropout) {
                return Lstm.builder().setHiddenSize(HIDDEN).optNumLayers(LAYERS).optBidirectional(true)
                        .optDropout(dropout).build();
            }
        },
        RNN {
            @Override
            StackedRecurrent build(float dropout) {
                return Rnn.builder().setHiddenSize(HIDDEN).optNumLayers(LAYERS).optBidirectional(true)
                        .optDropout(dropout).build();
            }
        };

        abstract StackedRecurrent build(float dropout);
    }

    private NDManager manager;

    @BeforeEach
    void open() {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private StackedRecurrent initialised(Cell cell, float dropout) {
        StackedRecurrent block = cell.build(dropout);
        block.initialize(manager, DataType.FLOAT32, new Shape(LENGTHS.length, STEPS, INPUT));
        return block;
    }

    private RecurrentOutput run(StackedRecurrent block, RecurrentInput input, boolean training) {
        NDList out = block.forward(new ParameterStore(manager, false), input.toNDList(), training);
        return RecurrentOutput.fromNDList(out);
    }

    /** (B, T, E) with every padded step set to a large value, so any leak would show. */
    private NDArray paddedInput() {
        NDArray x = manager.randomNormal(new Shape(LENGTHS.length, STEPS, INPUT));
        for (int b = 0; b < LENGTHS.length; b++) {
            x.set(new NDIndex("{}, {}:", b, LENGTHS[b]), GARBAGE);
        }
        return x;
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void paddingChangesNoRealStepAndPaddedOutputsAreZero(Cell cell) {
        StackedRecurrent block = initialised(cell, 0f);
        NDArray x = paddedInput();
        RecurrentOutput batch = run(block, RecurrentInput.of(x).withLengths(manager.create(LENGTHS)), false);
        for (int b = 0; b < LENGTHS.length; b++) {
            long length = LENGTHS[b];
            // each sequence alone, cut to its length: no padding at all
            RecurrentOutput alone = run(block, RecurrentInput.of(x.get(new NDIndex("{}:{}, :{}", b, b + 1, length))), false);
            String what = cell + " sequence " + b;
            assertClose(alone.output().get(0), batch.output().get(new NDIndex("{}, :{}", b, length)), what + " output");
            if (length < STEPS) {
                NDArray padded = batch.output().get(new NDIndex("{}, {}:", b, length));
                assertEquals(0f, padded.abs().max().getFloat(), what + " padded output");
            }
            assertClose(alone.hN().get(new NDIndex(":, 0")), batch.hN().get(new NDIndex(":, {}", b)), what + " h_n");
            if (cell == Cell.LSTM) {
                assertClose(alone.cN().get(new NDIndex(":, 0")), batch.cN().get(new NDIndex(":, {}", b)), what + " c_n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void batchOfNEqualsNBatchesOfOne(Cell cell) {
        StackedRecurrent block = initialised(cell, 0f);
        NDArray x = manager.randomNormal(new Shape(LENGTHS.length, STEPS, INPUT));
        RecurrentOutput batch = run(block, RecurrentInput.of(x), false);
        for (int b = 0; b < LENGTHS.length; b++) {
            RecurrentOutput alone = run(block, RecurrentInput.of(x.get(new NDIndex("{}:{}", b, b + 1))), false);
            assertClose(alone.output(), batch.output().get(new NDIndex("{}:{}", b, b + 1)), cell + " output " + b);
            assertClose(alone.hN(), batch.hN().get(new NDIndex(":, {}:{}", b, b + 1)), cell + " h_n " + b);
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void outputsHaveTorchShapes(Cell cell) {
        StackedRecurrent block = initialised(cell, 0f);
        RecurrentOutput out = run(block, RecurrentInput.of(paddedInput()).withLengths(manager.create(LENGTHS)), false);
        Shape state = new Shape(2L * LAYERS, LENGTHS.length, HIDDEN);
        assertEquals(new Shape(LENGTHS.length, STEPS, 2L * HIDDEN), out.output().getShape());
        assertEquals(state, out.hN().getShape());
        if (cell == Cell.LSTM) {
            assertEquals(state, out.cN().getShape());
        } else {
            assertNull(out.cN());
        }
        assertEquals(state, block.getOutputShapes(new Shape[] {new Shape(LENGTHS.length, STEPS, INPUT)})[1]);
        Map<String, Parameter> names = StateDict.of(block);
        assertTrue(names.containsKey("weight_ih_l1_reverse"), names.keySet().toString());
        long gates = cell == Cell.LSTM ? 4 : 1;
        assertEquals(new Shape(gates * HIDDEN, 2L * HIDDEN), names.get("weight_ih_l1").getArray().getShape());
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void gradientsReachEveryParameterThroughThePaddedPath(Cell cell) {
        StackedRecurrent block = initialised(cell, 0.3f);
        NDArray x = paddedInput();
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            RecurrentOutput out = run(block, RecurrentInput.of(x).withLengths(manager.create(LENGTHS)), true);
            collector.backward(out.output().sum().add(out.hN().sum()));
        }
        StateDict.of(block).forEach((name, p) -> assertTrue(
                p.getArray().getGradient().abs().sum().getFloat() > 0, cell + " " + name + " has no gradient"));
    }

    /**
     * The index and mask arrays of the padded path must outlive the forward's scope: backward runs
     * after it closed, here with the Java heap collected and its freed native memory reused in between.
     */
    @ParameterizedTest
    @EnumSource(Cell.class)
    void backwardAfterTheForwardScopeClosedGivesThePerSequenceGradients(Cell cell) {
        StackedRecurrent block = initialised(cell, 0f);
        NDArray x = paddedInput();
        x.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            RecurrentOutput out = run(block, RecurrentInput.of(x).withLengths(manager.create(LENGTHS)), true);
            NDArray loss = out.output().sum().add(out.hN().sum());
            FreedMemory.churn(manager);
            collector.backward(loss);
        }
        NDArray padded = x.getGradient().duplicate();
        for (int b = 0; b < LENGTHS.length; b++) {
            NDArray alone = x.get(new NDIndex("{}:{}, :{}", b, b + 1, LENGTHS[b])).duplicate();
            alone.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                RecurrentOutput out = run(block, RecurrentInput.of(alone), true);
                collector.backward(out.output().sum().add(out.hN().sum()));
            }
            String what = cell + " sequence " + b;
            assertClose(alone.getGradient().get(0), padded.get(new NDIndex("{}, :{}", b, LENGTHS[b])), what);
            assertEquals(0f, padded.get(new NDIndex("{}, {}:", b, LENGTHS[b])).abs().sum().getFloat(),
                    what + " gradient on padding");
        }
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void dropoutActsOnlyWhileTraining(Cell cell) {
        StackedRecurrent block = initialised(cell, 0.5f);
        NDArray x = manager.randomNormal(new Shape(LENGTHS.length, STEPS, INPUT));
        RecurrentInput input = RecurrentInput.of(x).withLengths(manager.create(LENGTHS));
        assertSame(run(block, input, false).output(), run(block, input, false).output(), cell + " inference");
        float change = run(block, input, true).output().sub(run(block, input, false).output()).abs().max().getFloat();
        assertTrue(change > Close.TOLERANCE, cell + " dropout between layers changed nothing while training");
    }

    /**
     * Loaded parameters equal the saved ones bit for bit; outputs are compared at the forward tolerance
     * because the CPU kernels may round differently for arrays at other memory addresses.
     */
    @ParameterizedTest
    @EnumSource(Cell.class)
    void saveAndLoadGiveIdenticalOutputs(Cell cell) throws Exception {
        StackedRecurrent block = initialised(cell, 0f);
        RecurrentInput input = RecurrentInput.of(paddedInput()).withLengths(manager.create(LENGTHS));
        NDArray expected = run(block, input, false).output();

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        block.saveParameters(new DataOutputStream(bytes));
        Engine.getInstance().setRandomSeed(SEED + 1);
        StackedRecurrent loaded = initialised(cell, 0f);
        loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertSameParameters(block, loaded, cell + " after DJL save/load");
        assertClose(expected, run(loaded, input, false).output(), cell + " after DJL save/load");

        StackedRecurrent fromStateDict = initialised(cell, 0f);
        StateDict.load(fromStateDict, StateDict.arrays(block), "the first " + cell);
        assertSameParameters(block, fromStateDict, cell + " after StateDict export/load");
        assertClose(expected, run(fromStateDict, input, false).output(), cell + " after StateDict export/load");
    }

    private static void assertSameParameters(StackedRecurrent expected, StackedRecurrent actual, String what) {
        Map<String, NDArray> loaded = StateDict.arrays(actual);
        assertEquals(StateDict.arrays(expected).keySet(), loaded.keySet(), what);
        StateDict.arrays(expected).forEach((name, array) -> assertSame(array, loaded.get(name), what + " " + name));
    }

    @ParameterizedTest
    @EnumSource(Cell.class)
    void badInputsAreRejectedWithTheFix(Cell cell) {
        StackedRecurrent block = initialised(cell, 0f);
        NDArray x = manager.randomNormal(new Shape(LENGTHS.length, STEPS, INPUT));
        long[] tooLong = LENGTHS.clone();
        tooLong[2] = STEPS + 1L;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(block, RecurrentInput.of(x).withLengths(manager.create(tooLong)), false));
        assertTrue(e.getMessage().contains("lengths[2]"), e.getMessage());
        NDArray state = manager.zeros(new Shape(2L * LAYERS, LENGTHS.length, HIDDEN));
        RecurrentInput wrongState = cell == Cell.LSTM
                ? RecurrentInput.of(x).withInitialState(state)
                : RecurrentInput.of(x).withInitialState(state, state);
        e = assertThrows(IllegalArgumentException.class, () -> run(block, wrongState, false));
        assertTrue(e.getMessage().contains("withInitialState"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Lstm.builder().build());
    }
}
