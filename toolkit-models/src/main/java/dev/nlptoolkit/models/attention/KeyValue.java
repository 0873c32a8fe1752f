package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values already projected and split into heads, each (B, N, T, H): what incremental
 * decoding caches so that earlier positions are not projected again.
 */
public record KeyValue(NDArray key, NDArray value) {

    /** T, the number of cached positions. */
    public long length() {
        return key.getShape().get(2);
    }

    /**
     * The same keys and values in contiguous (B, N, T, H) memory. The head split leaves them strided,
     * and every product with a strided operand copies it first: memory that many decoding steps
     * attend to is packed once instead of once per step.
     */
    public KeyValue contiguous() {
        return new KeyValue(contiguous(key), contiguous(value));
    }

    private static NDArray contiguous(NDArray x) {
        Shape s = x.getShape();
        // reshape copies, into contiguous memory, exactly when (B N, T, H) cannot view the strided layout
        return x.reshape(s.get(0) * s.get(1), s.get(2), s.get(3)).reshape(s);
    }

    /** These positions followed by {@code next}'s, along T. */
    public KeyValue append(KeyValue next) {
        return new KeyValue(key.concat(next.key(), 2), value.concat(next.value(), 2));
    }
}
