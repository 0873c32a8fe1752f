package dev.nlptoolkit.models.attention;

import ai.djl.ndarray.NDArray;

/**
 * Keys and values already projected and split into heads, each (B, N, T, H): what incremental
 * decoding caches so that earlier positions are not projected again.
 */
public record KeyValue(NDArray key, NDArray value) {

    /** T, the number of cached positions. */
    public long length() {
        return key.getShape().get(2);
    }

    /** These positions followed by {@code next}'s, along T. */
    public KeyValue append(KeyValue next) {
        return new KeyValue(key.concat(next.key(), 2), value.concat(next.value(), 2));
    }
}
