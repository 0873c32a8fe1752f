package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The input of a BERT model: token ids (B, T), attention mask (B, T), nonzero for real tokens and 0
 * for padding, and token type (segment) ids (B, T), all int64.
 */
public record BertInput(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {

    /** The number of arrays in the {@link NDList} form. */
    public static final int NDLIST_SIZE = 3;

    public BertInput {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be (batch, time), got " + shape);
        }
        if (!attentionMask.getShape().equals(shape) || !tokenTypeIds.getShape().equals(shape)) {
            throw new IllegalArgumentException("input ids " + shape + ", attention mask " + attentionMask.getShape()
                    + " and token type ids " + tokenTypeIds.getShape() + " must have the same shape");
        }
    }

    /** Unpadded single-segment input: every token is real, every token type 0. */
    public static BertInput of(NDArray inputIds) {
        return of(inputIds, null, null);
    }

    /**
     * @param attentionMask null when no token is padding
     * @param tokenTypeIds null for a single segment (all zeros)
     */
    public static BertInput of(NDArray inputIds, NDArray attentionMask, NDArray tokenTypeIds) {
        Shape shape = inputIds.getShape();
        NDArray mask = attentionMask != null ? attentionMask : inputIds.getManager().ones(shape, DataType.INT64);
        NDArray types = tokenTypeIds != null ? tokenTypeIds : inputIds.getManager().zeros(shape, DataType.INT64);
        return new BertInput(inputIds, mask, types);
    }

    /** (B, T). */
    public Shape shape() {
        return inputIds.getShape();
    }

    /** Ids, mask and token types, in that order, for {@code Block.forward}. */
    public NDList toNDList() {
        return new NDList(inputIds, attentionMask, tokenTypeIds);
    }

    /** The inverse of {@link #toNDList()}. */
    public static BertInput fromNDList(NDList list) {
        if (list.size() != NDLIST_SIZE) {
            throw new IllegalArgumentException("a BERT input NDList holds input ids, attention mask and token type ids "
                    + "(use BertInput.toNDList()), got " + list.size() + " arrays");
        }
        return new BertInput(list.get(0), list.get(1), list.get(2));
    }

    /** The input shapes to initialise a BERT block with. */
    public static Shape[] shapes(long batch, long time) {
        Shape s = new Shape(batch, time);
        return new Shape[] {s, s, s};
    }
}
