package dev.nlptoolkit.models.recurrent;

import static dev.nlptoolkit.models.recurrent.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Rnn} against the tanh recurrence h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) worked out
 * by hand for one and two steps, in both directions (E = 2, Hd = 3, one layer, bidirectional).
 */
class RnnTest {

    private static final int INPUT = 2;
    private static final int HIDDEN = 3;
    private static final float GARBAGE = 50f;

    private static final float[][] W_IH = {{0.5f, -0.3f}, {0.1f, 0.2f}, {-0.4f, 0.6f}};
    private static final float[][] W_HH = {{0.2f, -0.1f, 0.3f}, {0.0f, 0.4f, -0.2f}, {0.5f, 0.1f, 0.1f}};
    private static final float[] B_IH = {0.1f, -0.2f, 0.05f};
    private static final float[] B_HH = {-0.05f, 0.1f, 0.2f};
    private static final float[][] W_IH_REVERSE = {{-0.2f, 0.4f}, {0.3f, 0.3f}, {0.7f, -0.1f}};
    private static final float[][] W_HH_REVERSE = {{0.1f, 0.2f, 0.0f}, {-0.3f, 0.1f, 0.2f}, {0.2f, -0.2f, 0.3f}};
    private static final float[] B_IH_REVERSE = {0.0f, 0.1f, -0.1f};
    private static final float[] B_HH_REVERSE = {0.2f, 0.0f, 0.05f};

    /** Sequence 0: two steps; sequence 1: one real step, then padding. */
    private static final float[][][] X = {{{1.0f, 2.0f}, {-1.0f, 0.5f}}, {{0.3f, -0.7f}, {GARBAGE, GARBAGE}}};
    private static final long[] LENGTHS = {2, 1};

    private NDManager manager;
    private Rnn rnn;

    @BeforeEach
    void build() throws Exception {
        manager = NDManager.newBaseManager();
        rnn = Rnn.builder().setHiddenSize(HIDDEN).optBidirectional(true).build();
        rnn.initialize(manager, DataType.FLOAT32, new Shape(LENGTHS.length, LENGTHS[0], INPUT));
        Map<String, NDArray> weights = new LinkedHashMap<>();
        weights.put("weight_ih_l0", manager.create(W_IH));
        weights.put("weight_hh_l0", manager.create(W_HH));
        weights.put("bias_ih_l0", manager.create(B_IH));
        weights.put("bias_hh_l0", manager.create(B_HH));
        weights.put("weight_ih_l0_reverse", manager.create(W_IH_REVERSE));
        weights.put("weight_hh_l0_reverse", manager.create(W_HH_REVERSE));
        weights.put("bias_ih_l0_reverse", manager.create(B_IH_REVERSE));
        weights.put("bias_hh_l0_reverse", manager.create(B_HH_REVERSE));
        StateDict.load(rnn, weights, "RnnTest's hand-set weights");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** One step of the recurrence, in doubles. */
    private static double[] step(double[] h, float[] x, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh) {
        double[] next = new double[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            double sum = bIh[j] + bHh[j];
            for (int e = 0; e < INPUT; e++) {
                sum += wIh[j][e] * x[e];
            }
            for (int k = 0; k < HIDDEN; k++) {
                sum += wHh[j][k] * h[k];
            }
            next[j] = Math.tanh(sum);
        }
        return next;
    }

    private static double[] forward(double[] h, float[] x) {
        return step(h, x, W_IH, W_HH, B_IH, B_HH);
    }

    private static double[] backward(double[] h, float[] x) {
        return step(h, x, W_IH_REVERSE, W_HH_REVERSE, B_IH_REVERSE, B_HH_REVERSE);
    }

    private NDArray vector(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return manager.create(f);
    }

    private RecurrentOutput run(RecurrentInput input) {
        NDList out = rnn.forward(new ParameterStore(manager, false), input.toNDList(), false);
        return RecurrentOutput.fromNDList(out);
    }

    @Test
    void paddedBatchFollowsTheRecurrenceStepByStep() {
        double[] zero = new double[HIDDEN];
        // sequence 0, two steps: forward x0 then x1; backward x1 then x0
        double[] f0 = forward(zero, X[0][0]);
        double[] f1 = forward(f0, X[0][1]);
        double[] r1 = backward(zero, X[0][1]);
        double[] r0 = backward(r1, X[0][0]);
        // sequence 1, one step: both directions start from zero at step 0
        double[] g0 = forward(zero, X[1][0]);
        double[] s0 = backward(zero, X[1][0]);

        RecurrentOutput out = run(RecurrentInput.of(cube(X)).withLengths(manager.create(LENGTHS)));
        assertClose(vector(concat(f0, r0)), out.output().get("0, 0"), "sequence 0 step 0");
        assertClose(vector(concat(f1, r1)), out.output().get("0, 1"), "sequence 0 step 1");
        assertClose(vector(concat(g0, s0)), out.output().get("1, 0"), "sequence 1 step 0");
        assertEquals(0f, out.output().get("1, 1").abs().max().getFloat(), "sequence 1 padded step");
        assertClose(vector(f1), out.hN().get("0, 0"), "h_n forward, sequence 0");
        assertClose(vector(r0), out.hN().get("1, 0"), "h_n backward, sequence 0");
        assertClose(vector(g0), out.hN().get("0, 1"), "h_n forward, sequence 1");
        assertClose(vector(s0), out.hN().get("1, 1"), "h_n backward, sequence 1");
    }

    @Test
    void givenInitialStateIsWhereEachDirectionStarts() {
        float[][][] h0 = {{{0.5f, -0.5f, 0.25f}, {0.1f, 0.2f, 0.3f}}, {{-0.2f, 0.4f, 0.0f}, {0.3f, -0.1f, 0.6f}}};
        float[][][] firstStepOnly = {{X[0][0]}, {X[1][0]}};
        RecurrentOutput out = run(RecurrentInput.of(cube(firstStepOnly)).withInitialState(cube(h0)));
        for (int b = 0; b < h0[0].length; b++) {
            double[] fwd = forward(toDouble(h0[0][b]), X[b][0]);
            double[] bwd = backward(toDouble(h0[1][b]), X[b][0]);
            assertClose(vector(concat(fwd, bwd)), out.output().get(b + ", 0"), "one step of sequence " + b);
        }
    }

    /** DJL creates at most 2-D arrays from Java arrays. */
    private NDArray cube(float[][][] values) {
        int rows = values[0].length;
        int columns = values[0][0].length;
        float[] flat = new float[values.length * rows * columns];
        for (int i = 0; i < values.length; i++) {
            for (int j = 0; j < rows; j++) {
                System.arraycopy(values[i][j], 0, flat, (i * rows + j) * columns, columns);
            }
        }
        return manager.create(flat, new Shape(values.length, rows, columns));
    }

    private static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
