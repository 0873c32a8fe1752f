package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.Objects;

/**
 * A teacher-forced batch: source ids and mask (B, S), target input ids (bos then the target without
 * its last token) and mask (B, T). Ids int64, masks nonzero for real tokens.
 *
 * <p>At a Block boundary it travels as an NDList of arrays named {@value #SOURCE_IDS},
 * {@value #SOURCE_MASK}, {@value #TARGET_INPUT_IDS} and {@value #TARGET_MASK}, read back by name.
 */
public record Seq2SeqInput(NDArray sourceIds, NDArray sourceMask, NDArray targetInputIds, NDArray targetMask) {

    public static final String SOURCE_IDS = "sourceIds";
    public static final String SOURCE_MASK = "sourceMask";
    public static final String TARGET_INPUT_IDS = "targetInputIds";
    public static final String TARGET_MASK = "targetMask";

    public Seq2SeqInput {
        Objects.requireNonNull(sourceIds, SOURCE_IDS);
        Objects.requireNonNull(sourceMask, SOURCE_MASK);
        Objects.requireNonNull(targetInputIds, TARGET_INPUT_IDS);
        Objects.requireNonNull(targetMask, TARGET_MASK);
    }

    /** The four arrays, named. */
    public NDList toNDList() {
        sourceIds.setName(SOURCE_IDS);
        sourceMask.setName(SOURCE_MASK);
        targetInputIds.setName(TARGET_INPUT_IDS);
        targetMask.setName(TARGET_MASK);
        return new NDList(sourceIds, sourceMask, targetInputIds, targetMask);
    }

    /** Reads arrays named as {@link #toNDList} names them. */
    public static Seq2SeqInput fromNDList(NDList list) {
        for (String name : new String[] {SOURCE_IDS, SOURCE_MASK, TARGET_INPUT_IDS, TARGET_MASK}) {
            if (!list.contains(name)) {
                throw new IllegalArgumentException("a seq2seq input needs an array named '" + name
                        + "': build a Seq2SeqInput and pass toNDList()");
            }
        }
        return new Seq2SeqInput(list.get(SOURCE_IDS), list.get(SOURCE_MASK), list.get(TARGET_INPUT_IDS),
                list.get(TARGET_MASK));
    }
}
