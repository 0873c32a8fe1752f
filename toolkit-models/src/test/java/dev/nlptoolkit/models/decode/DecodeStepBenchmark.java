package dev.nlptoolkit.models.decode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.seq2seq.DecoderCache;
import dev.nlptoolkit.models.seq2seq.EncoderOutput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqInput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModels;
import dev.nlptoolkit.models.seq2seq.TransformerSeq2Seq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of one cached Transformer decoder step as the output grows, against the bar (a
 * step at output length 64 at most 1.5x a step at length 8), with a beam reorder every step as beam
 * search does, and the uncached alternative (re-decoding the whole prefix) for scale. A benchmark,
 * not a test: timings depend on the machine, so it runs only when asked:
 *
 * <pre>mvn -o -q -pl toolkit-models -am test -Dtest=DecodeStepBenchmark -Dseq2seq.bench=true \
 *     -DargLine="-Xmx4g -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"</pre>
 *
 * With one intra-op thread PyTorch runs each op on the calling thread, so the thread's CPU time is
 * the step's cost however busy the machine is (wall time on a shared 2-core machine measures the
 * load). The time of the steps around a length is the least over {@value #REPEATS} decodes of their
 * mean; the numbers are printed.
 */
@EnabledIfSystemProperty(named = "seq2seq.bench", matches = "true")
class DecodeStepBenchmark {

    private static final int SEED = 5;
    private static final int VOCAB = 8000;
    private static final int ROWS = 16;
    private static final int SOURCE = 20;
    private static final int STEPS = 72;
    private static final int REPEATS = 3;
    private static final int SHORT = 8;
    private static final int LONG = 64;
    /** Steps averaged around each length, so one slow step does not decide. */
    private static final int WINDOW = 4;
    private static final double BAR = 1.5;
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    @Test
    void cachedStepCostBarelyGrowsWithTheOutput() {
        Engine.getInstance().setRandomSeed(SEED);
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore ps = new ParameterStore(manager, false);
            Seq2SeqModel model = Seq2SeqModels.createInitialized(TransformerSeq2Seq.Config.of(VOCAB, VOCAB), manager);
            NDArray source = manager.randomInteger(4, VOCAB, new Shape(ROWS, SOURCE),
                    DataType.INT64);
            NDArray mask = source.neq(0);
            double short1 = Double.MAX_VALUE;
            double long1 = Double.MAX_VALUE;
            double shortR = Double.MAX_VALUE;
            double longR = Double.MAX_VALUE;
            for (int repeat = 0; repeat < REPEATS; repeat++) {
                double[] cached = decode(model, ps, manager, source, mask, false);
                double[] reordered = decode(model, ps, manager, source, mask, true);
                short1 = Math.min(short1, around(cached, SHORT));
                long1 = Math.min(long1, around(cached, LONG));
                shortR = Math.min(shortR, around(reordered, SHORT));
                longR = Math.min(longR, around(reordered, LONG));
            }
            double full8 = fullPrefix(model, ps, manager, source, mask, SHORT);
            double full64 = fullPrefix(model, ps, manager, source, mask, LONG);
            System.out.printf(Locale.ROOT, "decoder step, %d rows, E 256, 3 decoder layers, V %d:"
                    + " cached %.2f ms (CPU) at length %d,"
                    + " %.2f ms at %d (x%.2f); with a beam reorder per step %.2f ms and %.2f ms (x%.2f);"
                    + " re-decoding the prefix %.2f ms and %.2f ms (x%.2f)%n",
                    ROWS, VOCAB, short1, SHORT, long1, LONG, long1 / short1, shortR, longR, longR / shortR,
                    full8, full64, full64 / full8);
            assertTrue(long1 <= BAR * short1, "cached step at 64 costs " + long1 / short1 + "x the step at 8");
        }
    }

    private static double around(double[] times, int length) {
        return Arrays.stream(times, length - WINDOW / 2, length + WINDOW / 2).average().orElseThrow();
    }

    /** The time of each step of one decode, in milliseconds. */
    private static double[] decode(Seq2SeqModel model, ParameterStore ps, NDManager manager, NDArray source,
            NDArray mask, boolean reorder) {
        double[] times = new double[STEPS];
        try (NDManager scope = manager.newSubManager()) {
            EncoderOutput encoded = model.encode(ps, source, mask, false);
            long[] reversed = new long[ROWS];
            for (int r = 0; r < ROWS; r++) {
                reversed[r] = ROWS - 1 - r;
            }
            try (DecoderCache cache = model.startDecoding(ps, encoded, STEPS + 1)) {
                for (int t = 0; t < STEPS; t++) {
                    try (NDManager step = scope.newSubManager()) {
                        NDArray last = step.full(new Shape(ROWS), 5 + t % 7, DataType.INT64);
                        long start = THREAD.getCurrentThreadCpuTime();
                        NDArray logits = model.step(ps, cache, last);
                        // the search reads these back each step: wait for the values
                        logits.logSoftmax(-1).max().getFloat();
                        if (reorder) {
                            cache.reorder(step.create(reversed));
                        }
                        times[t] = (THREAD.getCurrentThreadCpuTime() - start) / 1e6;
                    }
                }
            }
        }
        return times;
    }

    /** The uncached step: teacher forcing over all {@code length} positions, keeping the last. */
    private static double fullPrefix(Seq2SeqModel model, ParameterStore ps, NDManager manager, NDArray source,
            NDArray mask, int length) {
        double best = Double.MAX_VALUE;
        for (int repeat = 0; repeat < REPEATS; repeat++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray prefix = scope.full(new Shape(ROWS, length), 5, DataType.INT64);
                long start = THREAD.getCurrentThreadCpuTime();
                model.logits(ps, new Seq2SeqInput(source, mask, prefix, prefix.neq(0)), false).get(":, -1")
                        .max().getFloat();
                best = Math.min(best, (THREAD.getCurrentThreadCpuTime() - start) / 1e6);
            }
        }
        return best;
    }
}
