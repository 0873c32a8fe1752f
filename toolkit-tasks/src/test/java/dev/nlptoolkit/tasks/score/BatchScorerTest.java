package dev.nlptoolkit.tasks.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.tasks.classify.ClassifierModel;

import ai.djl.pytorch.jni.JniUtils;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The record-level core on the tiny BERT fixture: order, failures, batching and threads. */
class BatchScorerTest {

    private static final double TOLERANCE = 1e-6;
    private static ClassifierModel model;

    private static final List<ScoreInput> INPUTS = List.of(
            ScoreInput.of(2, "a", "The movie was a total waste of time.", null),
            ScoreInput.failed(3, "b", "the text column 'text' is empty"),
            ScoreInput.of(4, null, "ok", null),
            ScoreInput.of(5, null, "Is this sentence a question?", "Yes, it is one."),
            ScoreInput.of(6, null, "word ".repeat(5000), null));

    @BeforeAll
    static void load() throws Exception {
        EngineSettings.threads(1, EngineSettings.current().interOp());
        model = ClassifierModel.load(Paths.get(BatchScorerTest.class.getResource("/fixtures/tiny-bert").toURI()),
                DeviceChoice.CPU);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<ScoreResult> score(int batchSize) {
        return new BatchScorer(model, ScoreOptions.builder().optBatchSize(batchSize).build()).score(INPUTS);
    }

    @Test
    void failedInputsKeepTheirPlaceAndErrorAndTheOthersAreScored() {
        List<ScoreResult> results = score(4);
        assertEquals(INPUTS.size(), results.size());
        assertEquals("line 3 (id 'b'): the text column 'text' is empty", results.get(1).error());
        assertNull(results.get(1).label());
        for (int i : new int[] {0, 2, 3, 4}) {
            ScoreResult r = results.get(i);
            assertTrue(r.ok(), r.toString());
            assertEquals(1.0, r.scores()[0] + r.scores()[1], TOLERANCE);
            assertEquals(r.score(), Math.max(r.scores()[0], r.scores()[1]), 0);
        }
    }

    @Test
    void aBatchOfManyEqualsBatchesOfOne() {
        List<ScoreResult> together = score(4);
        List<ScoreResult> alone = score(1);
        for (int i = 0; i < INPUTS.size(); i++) {
            assertEquals(alone.get(i).label(), together.get(i).label());
            if (alone.get(i).ok()) {
                assertArrayEquals(alone.get(i).scores(), together.get(i).scores(), TOLERANCE, "input " + i);
            }
        }
    }

    /** libtorch starts every new thread recording gradients; the scorer turns that off and restores it. */
    @Test
    void scoresTheSameOnAFreshThreadAndRestoresItsGradientMode() throws InterruptedException {
        List<ScoreResult> here = score(4);
        AtomicReference<List<ScoreResult>> there = new AtomicReference<>();
        List<Boolean> modes = new ArrayList<>();
        Thread thread = new Thread(() -> {
            modes.add(JniUtils.isGradMode());
            there.set(score(4));
            modes.add(JniUtils.isGradMode());
        });
        thread.start();
        thread.join();
        assertEquals(List.of(true, true), modes, "recording was on on the new thread, and is again after");
        for (int i = 0; i < INPUTS.size(); i++) {
            if (here.get(i).ok()) {
                assertArrayEquals(here.get(i).scores(), there.get().get(i).scores(), 0, "input " + i);
            }
        }
    }

    @Test
    void scoresArePrintedWithFixedDigits() {
        assertEquals("0.500000", OutputSchema.formatScore(0.5, 6));
        assertEquals("1.000000", OutputSchema.formatScore(0.99999999, 6));
        assertEquals("0.12", OutputSchema.formatScore(0.125, 2), "half-even");
        assertEquals("0.38", OutputSchema.formatScore(0.375, 2), "half-even");
        assertEquals("0.000000", OutputSchema.formatScore(1e-300, 6), "no exponent");
    }
}
