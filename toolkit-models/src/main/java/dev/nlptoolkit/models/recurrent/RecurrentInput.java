package dev.nlptoolkit.models.recurrent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Set;

/**
 * What a recurrent Block reads: the batch-first input (B, T, E), optionally the true length of each
 * sequence (B) and an initial state h0 (and c0 for an LSTM), each (L*D, B, Hd) as in torch.
 *
 * <p>At the Block boundary the input travels first in the {@link NDList} and the optional arrays by
 * name ({@value #LENGTHS}, {@value #H0}, {@value #C0}); {@link #toNDList()} sets those names on the
 * arrays.
 *
 * @param input (B, T, E), batch first
 * @param lengths (B) integer lengths in [1, T], or null when every sequence fills all T steps
 * @param h0 (L*D, B, Hd) initial hidden state, or null for zeros
 * @param c0 (L*D, B, Hd) initial cell state of an LSTM, or null (always null for a plain RNN)
 */
public record RecurrentInput(NDArray input, NDArray lengths, NDArray h0, NDArray c0) {

    public static final String LENGTHS = "lengths";
    public static final String H0 = "h0";
    public static final String C0 = "c0";
    private static final Set<String> OPTIONAL_NAMES = Set.of(LENGTHS, H0, C0);

    public RecurrentInput {
        if (input == null) {
            throw new IllegalArgumentException("the input (B, T, E) is required");
        }
    }

    /** The input (B, T, E) alone: every sequence is T steps long and starts from a zero state. */
    public static RecurrentInput of(NDArray input) {
        return new RecurrentInput(input, null, null, null);
    }

    /** The same input with per-sequence lengths (B); steps at or past a sequence's length are padding. */
    public RecurrentInput withLengths(NDArray sequenceLengths) {
        return new RecurrentInput(input, sequenceLengths, h0, c0);
    }

    /** The same input starting from hidden state {@code initialHidden} (L*D, B, Hd), for a plain RNN. */
    public RecurrentInput withInitialState(NDArray initialHidden) {
        return new RecurrentInput(input, lengths, initialHidden, null);
    }

    /** The same input starting from (h0, c0), each (L*D, B, Hd), for an LSTM. */
    public RecurrentInput withInitialState(NDArray initialHidden, NDArray initialCell) {
        return new RecurrentInput(input, lengths, initialHidden, initialCell);
    }

    /** The input first, then whichever optional arrays are set, named. */
    public NDList toNDList() {
        NDList list = new NDList(input);
        addNamed(list, lengths, LENGTHS);
        addNamed(list, h0, H0);
        addNamed(list, c0, C0);
        return list;
    }

    private static void addNamed(NDList list, NDArray array, String name) {
        if (array != null) {
            array.setName(name);
            list.add(array);
        }
    }

    /**
     * Reads what {@link #toNDList()} wrote: the first array is the input, the rest are found by name.
     *
     * @throws IllegalArgumentException if an array after the first has a name other than
     *     {@value #LENGTHS}, {@value #H0} or {@value #C0}
     */
    public static RecurrentInput fromNDList(NDList list) {
        if (list.isEmpty()) {
            throw new IllegalArgumentException("empty NDList: expected the input (B, T, E) first");
        }
        for (int i = 1; i < list.size(); i++) {
            String name = list.get(i).getName();
            if (name == null || !OPTIONAL_NAMES.contains(name)) {
                throw new IllegalArgumentException("NDList entry " + i + " is named '" + name + "'; after the input"
                        + " only " + OPTIONAL_NAMES + " are accepted: build the list with RecurrentInput.toNDList()");
            }
        }
        return new RecurrentInput(list.head(), list.get(LENGTHS), list.get(H0), list.get(C0));
    }
}
