package dev.nlptoolkit.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Objects;

/**
 * What a transformer decoder reads: the target so far (B, T, E) with its padding mask (B, T), and
 * the encoder's memory (B, S, E) with its padding mask (B, S); masks are nonzero for real tokens and
 * may be null when nothing is padded. The target is always causally masked.
 *
 * <p>At a Block boundary it travels as an NDList of arrays named {@value #TARGET},
 * {@value #TARGET_MASK}, {@value #MEMORY} and {@value #MEMORY_MASK}, read back by name.
 */
public record DecoderInput(NDArray target, NDArray targetMask, NDArray memory, NDArray memoryMask) {

    public static final String TARGET = "target";
    public static final String TARGET_MASK = "targetMask";
    public static final String MEMORY = "memory";
    public static final String MEMORY_MASK = "memoryMask";

    public DecoderInput {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(memory, "memory");
    }

    /** The named arrays; absent masks are left out. */
    public NDList toNDList() {
        NDList list = new NDList();
        add(list, TARGET, target);
        add(list, TARGET_MASK, targetMask);
        add(list, MEMORY, memory);
        add(list, MEMORY_MASK, memoryMask);
        return list;
    }

    private static void add(NDList list, String name, NDArray array) {
        if (array != null) {
            array.setName(name);
            list.add(array);
        }
    }

    /** Reads arrays named as {@link #toNDList} names them. */
    public static DecoderInput fromNDList(NDList list) {
        if (!list.contains(TARGET) || !list.contains(MEMORY)) {
            throw new IllegalArgumentException("decoder input needs arrays named '" + TARGET + "' and '" + MEMORY
                    + "': build a DecoderInput and pass toNDList()");
        }
        return new DecoderInput(list.get(TARGET), list.get(TARGET_MASK), list.get(MEMORY), list.get(MEMORY_MASK));
    }
}
