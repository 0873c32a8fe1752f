package dev.nlptoolkit.models.recurrent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What a recurrent Block returns: every step's output of the last layer and the final states.
 *
 * @param output (B, T, D*Hd), exactly zero at padded steps
 * @param hN (L*D, B, Hd) hidden state after each sequence's last real step (for the reverse
 *     direction: after step 0)
 * @param cN (L*D, B, Hd) cell state likewise for an LSTM; null for a plain RNN
 */
public record RecurrentOutput(NDArray output, NDArray hN, NDArray cN) {

    public static final String OUTPUT = "output";
    public static final String H_N = "h_n";
    public static final String C_N = "c_n";

    /** {@code output}, {@code h_n} and, for an LSTM, {@code c_n}, named so. */
    public NDList toNDList() {
        output.setName(OUTPUT);
        hN.setName(H_N);
        NDList list = new NDList(output, hN);
        if (cN != null) {
            cN.setName(C_N);
            list.add(cN);
        }
        return list;
    }

    /** Reads what {@link #toNDList()} wrote. */
    public static RecurrentOutput fromNDList(NDList list) {
        NDArray output = list.get(OUTPUT);
        NDArray hN = list.get(H_N);
        if (output == null || hN == null) {
            throw new IllegalArgumentException("expected arrays named '" + OUTPUT + "' and '" + H_N
                    + "' (a recurrent Block's output), got " + list.getShapes().length + " arrays named "
                    + list.stream().map(NDArray::getName).toList());
        }
        return new RecurrentOutput(output, hN, list.get(C_N));
    }
}
