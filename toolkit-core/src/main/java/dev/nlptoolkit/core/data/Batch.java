package dev.nlptoolkit.core.data;

import java.util.List;

/**
 * Items grouped into one batch, with their positions in the input list so that per-item results
 * can be written back in input order: {@code results[batch.indices()[i]] = output(i)}.
 *
 * @param indices the 0-based input positions of the items
 * @param items the items, {@code items.get(i)} being input item {@code indices[i]}
 * @param <T> the item type
 */
public record Batch<T>(int[] indices, List<T> items) {

    public int size() {
        return indices.length;
    }
}
