package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import java.util.Objects;

/**
 * What an attention layer attends with: queries (B, Tq, Eq) or (B, Eq), the keys/values (B, Tk, E)
 * they look at (the queries themselves for self-attention), a key padding mask (B, Tk), nonzero for
 * real tokens, and whether a causal mask hides later positions. Immutable.
 *
 * <p>At a Block boundary it travels as an {@link NDList} of arrays named {@value #QUERY},
 * {@value #KEY_VALUE}, {@value #KEY_MASK} and {@value #CAUSAL}; only the present ones are included,
 * and {@link #fromNDList} reads them by name, never by position.
 */
public final class AttentionInput {

    public static final String QUERY = "query";
    public static final String KEY_VALUE = "keyValue";
    public static final String KEY_MASK = "keyMask";
    public static final String CAUSAL = "causal";

    private final NDArray query;
    private final NDArray keyValue;
    private final NDArray keyMask;
    private final boolean causal;
    /** {@link #visibility} made once by {@link #withVisibilityMadeOnce}, in additive form; null if not made. */
    private final NDArray madeVisibility;

    private AttentionInput(NDArray query, NDArray keyValue, NDArray keyMask, boolean causal) {
        this(query, keyValue, keyMask, causal, null);
    }

    private AttentionInput(NDArray query, NDArray keyValue, NDArray keyMask, boolean causal, NDArray madeVisibility) {
        this.query = Objects.requireNonNull(query, "query");
        this.keyValue = keyValue;
        this.keyMask = keyMask;
        this.causal = causal;
        this.madeVisibility = madeVisibility;
    }

    /**
     * Queries attending to other keys/values (cross or interactive attention).
     *
     * @param keyMask (B, Tk), nonzero for real tokens and 0 for padding; null when nothing is padded
     */
    public static AttentionInput of(NDArray query, NDArray keyValue, NDArray keyMask) {
        return new AttentionInput(query, Objects.requireNonNull(keyValue, "keyValue"), keyMask, false);
    }

    /**
     * A sequence attending to itself.
     *
     * @param mask (B, T), nonzero for real tokens and 0 for padding; null when nothing is padded
     */
    public static AttentionInput selfAttention(NDArray x, NDArray mask) {
        return new AttentionInput(x, null, mask, false);
    }

    /** The same input where each query also cannot see keys after its own position. */
    public AttentionInput withCausalMask() {
        return new AttentionInput(query, keyValue, keyMask, true);
    }

    /**
     * The same keys, mask and causality for other queries (B, Tq, E) of the same length, e.g. the
     * normalised ones or the next layer's; a visibility made once stays with them.
     */
    public AttentionInput withQuery(NDArray newQuery) {
        if (madeVisibility != null && newQuery.getShape().get(1) != query.getShape().get(1)) {
            // a causal mask made for T queries would broadcast T rows onto fewer queries without an error
            throw new IllegalArgumentException("the visibility was made for " + query.getShape().get(1)
                    + " queries, not " + newQuery.getShape().get(1) + ": make it again for the new queries");
        }
        return new AttentionInput(newQuery, keyValue, keyMask, causal, madeVisibility);
    }

    /**
     * The same input with its {@link #visibility} made now, once, in additive form of {@code dataType}
     * (see {@link ScaledDotProductAttention#additiveMask}), for a stack of layers that all apply it:
     * they then add it to their scores instead of each building and converting the mask again. For
     * inputs whose keys are all present: the mask made covers this input's key length, not the longer
     * one of cached keys in incremental decoding.
     */
    public AttentionInput withVisibilityMadeOnce(DataType dataType) {
        NDArray visible = visibility(keyValue().getShape().get(1));
        NDArray additive = visible == null || visible.getDataType() != DataType.BOOLEAN ? visible
                : ScaledDotProductAttention.additiveMask(visible, dataType);
        return new AttentionInput(query, keyValue, keyMask, causal, additive);
    }

    public NDArray query() {
        return query;
    }

    /** The keys/values: the queries themselves for self-attention. */
    public NDArray keyValue() {
        return keyValue == null ? query : keyValue;
    }

    /** The key padding mask (B, Tk), or null. */
    public NDArray keyMask() {
        return keyMask;
    }

    public boolean isSelfAttention() {
        return keyValue == null;
    }

    public boolean isCausal() {
        return causal;
    }

    /**
     * Which keys each query may see, boolean broadcastable to (B, N, Tq, Tk), or its additive form when
     * {@link #withVisibilityMadeOnce} made it; null when all may.
     *
     * @param keyLength Tk, longer than this input's keys when cached keys precede them
     */
    public NDArray visibility(long keyLength) {
        if (madeVisibility != null) {
            long madeFor = madeVisibility.getShape().get(madeVisibility.getShape().dimension() - 1);
            if (keyLength != madeFor) {
                throw new IllegalArgumentException("the visibility was made for " + madeFor + " keys, not "
                        + keyLength + ": cached keys need it built per step");
            }
            return madeVisibility;
        }
        NDArray visible = keyMask == null ? null : ScaledDotProductAttention.keyVisibility(keyMask);
        long queryLength = query.getShape().get(1);
        // one query, the last position (a decoding step), sees every key: a causal mask would hide nothing
        if (!causal || queryLength == 1) {
            return visible;
        }
        NDArray causalMask = ScaledDotProductAttention.causalVisibility(query.getManager(), queryLength, keyLength);
        return visible == null ? causalMask : visible.logicalAnd(causalMask);
    }

    /** Queries, keys, mask and a visibility made once, null where absent: what a scope around a layer lends. */
    public NDArray[] arrays() {
        return new NDArray[] {query, keyValue, keyMask, madeVisibility};
    }

    /** The arrays, named; the causal flag is a boolean scalar present only when set. */
    public NDList toNDList() {
        NDList list = new NDList();
        query.setName(QUERY);
        list.add(query);
        if (keyValue != null) {
            keyValue.setName(KEY_VALUE);
            list.add(keyValue);
        }
        if (keyMask != null) {
            keyMask.setName(KEY_MASK);
            list.add(keyMask);
        }
        if (causal) {
            NDArray flag = query.getManager().create(true);
            flag.setName(CAUSAL);
            list.add(flag);
        }
        return list;
    }

    /** Reads arrays named as {@link #toNDList} names them. */
    public static AttentionInput fromNDList(NDList list) {
        NDArray query = list.get(QUERY);
        if (query == null) {
            throw new IllegalArgumentException("attention input has no array named '" + QUERY
                    + "': build it with AttentionInput.of(...) or selfAttention(...) and pass toNDList()");
        }
        return new AttentionInput(query, list.get(KEY_VALUE), list.get(KEY_MASK), list.contains(CAUSAL));
    }
}
