package dev.nlptoolkit.models.rcnn;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.recurrent.Close;
import dev.nlptoolkit.models.recurrent.RecurrentInput;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Map;

/** {@link Rcnn} on a tiny config with odd sizes: E 5, context 3, latent 7, batch of lengths [5, 2, 1, 4]. */
class RcnnTest {

    private static final int SEED = 5;
    private static final int EMBEDDING = 5;
    private static final int CONTEXT = 3;
    private static final int LATENT = 7;
    private static final int STEPS = 5;
    private static final long[] LENGTHS = {5, 2, 1, 4};
    private static final float GARBAGE = 100f;
    private static final float SMALL = 0.1f;

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

    private Rcnn initialised(Rcnn.Context context) {
        Rcnn rcnn = Rcnn.builder().setContextSize(CONTEXT).setLatentSize(LATENT).optContext(context).build();
        rcnn.initialize(manager, DataType.FLOAT32, new Shape(LENGTHS.length, STEPS, EMBEDDING));
        return rcnn;
    }

    private NDArray encode(Rcnn rcnn, RecurrentInput input) {
        return rcnn.forward(new ParameterStore(manager, false), input.toNDList(), false).singletonOrThrow();
    }

    /** Small real embeddings (B, T, E), padded steps set to a large value. */
    private NDArray paddedEmbeddings() {
        NDArray x = manager.randomNormal(new Shape(LENGTHS.length, STEPS, EMBEDDING)).mul(SMALL);
        for (int b = 0; b < LENGTHS.length; b++) {
            x.set(new NDIndex("{}, {}:", b, LENGTHS[b]), GARBAGE);
        }
        return x;
    }

    private RecurrentInput padded() {
        return RecurrentInput.of(paddedEmbeddings()).withLengths(manager.create(LENGTHS));
    }

    @ParameterizedTest
    @EnumSource(Rcnn.Context.class)
    void paddingDoesNotChangeTheEncoding(Rcnn.Context context) {
        Rcnn rcnn = initialised(context);
        RecurrentInput input = padded();
        NDArray batch = encode(rcnn, input);
        for (int b = 0; b < LENGTHS.length; b++) {
            NDArray alone = encode(rcnn, RecurrentInput.of(input.input().get(new NDIndex("{}:{}, :{}", b, b + 1, LENGTHS[b]))));
            assertClose(alone.get(0), batch.get(b), context + " sequence " + b);
        }
    }

    @Test
    void encodingHasOneLatentVectorPerText() {
        Rcnn rcnn = initialised(Rcnn.Context.LSTM);
        assertEquals(new Shape(LENGTHS.length, LATENT), encode(rcnn, padded()).getShape());
        assertEquals(new Shape(LENGTHS.length, LATENT),
                rcnn.getOutputShapes(new Shape[] {new Shape(LENGTHS.length, STEPS, EMBEDDING)})[0]);
        NDArray oneWord = manager.randomNormal(new Shape(2, 1, EMBEDDING));
        assertEquals(new Shape(2, LATENT), encode(rcnn, RecurrentInput.of(oneWord)).getShape());
        Map<String, NDArray> names = StateDict.arrays(rcnn);
        assertEquals(new Shape(LATENT, 2L * CONTEXT + EMBEDDING), names.get("projection.weight").getShape());
        assertTrue(names.containsKey("context.weight_hh_l0_reverse"), names.keySet().toString());
    }

    /**
     * With every projection weight positive, the large padded embeddings would score tanh(big) = 1 at
     * every padded step; the small real ones score well below that.
     */
    @Test
    void maxPoolIgnoresPaddedSteps() throws Exception {
        Rcnn rcnn = initialised(Rcnn.Context.RNN);
        Map<String, NDArray> weights = StateDict.arrays(rcnn);
        weights.put("projection.weight", manager.full(weights.get("projection.weight").getShape(), SMALL));
        weights.put("projection.bias", weights.get("projection.bias").zerosLike());
        StateDict.load(rcnn, weights, "maxPoolIgnoresPaddedSteps");
        RecurrentInput input = padded();
        NDArray pooled = encode(rcnn, input);
        NDArray unmasked = encode(rcnn, RecurrentInput.of(input.input()));
        for (int b = 0; b < LENGTHS.length; b++) {
            if (LENGTHS[b] < STEPS) {
                assertEquals(1f, unmasked.get(b).min().getFloat(), Close.TOLERANCE, "padding would win for " + b);
                assertTrue(pooled.get(b).max().getFloat() < 1f - SMALL, "sequence " + b + " pooled a padded step");
            }
        }
    }

    @Test
    void saveAndLoadGiveTheSameEncoding() throws Exception {
        Rcnn rcnn = initialised(Rcnn.Context.LSTM);
        RecurrentInput input = padded();
        NDArray expected = encode(rcnn, input);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rcnn.saveParameters(new DataOutputStream(bytes));
        Engine.getInstance().setRandomSeed(SEED + 1);
        Rcnn loaded = initialised(Rcnn.Context.LSTM);
        loaded.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertClose(expected, encode(loaded, input), "after DJL save/load");

        Rcnn fromStateDict = initialised(Rcnn.Context.LSTM);
        StateDict.load(fromStateDict, StateDict.arrays(rcnn), "the first Rcnn");
        assertClose(expected, encode(fromStateDict, input), "after StateDict export/load");
    }

    @Test
    void badConfigurationsSayWhatToSet() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Rcnn.builder().setLatentSize(LATENT).build());
        assertTrue(e.getMessage().contains("setContextSize"), e.getMessage());
        Rcnn rcnn = initialised(Rcnn.Context.LSTM);
        NDArray state = manager.zeros(new Shape(2, LENGTHS.length, CONTEXT));
        assertThrows(IllegalArgumentException.class,
                () -> encode(rcnn, RecurrentInput.of(paddedEmbeddings()).withInitialState(state, state)));
    }
}
