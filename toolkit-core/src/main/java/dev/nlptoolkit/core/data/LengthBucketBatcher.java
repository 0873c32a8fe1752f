package dev.nlptoolkit.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import java.util.stream.IntStream;

/**
 * Forms batches of items of similar length, so that little of each padded batch is padding.
 *
 * <p>{@link #shuffled} (training) shuffles the items, sorts them by length within chunks of
 * {@code bucketBatches} batches, cuts the chunks into batches and shuffles the batch order: each
 * epoch sees different batches in a different order, yet every batch is nearly uniform in length.
 * The result depends only on the items' lengths and the seed. {@link #ordered} (evaluation) sorts
 * all items by length and keeps no randomness. Both return every item exactly once; only the last
 * batch of a chunk may be smaller than the batch size.
 */
public final class LengthBucketBatcher {

    /** Batches per sorted chunk by default: enough to group lengths well, few enough to stay random. */
    public static final int DEFAULT_BUCKET_BATCHES = 50;

    private final int batchSize;
    private final int bucketBatches;

    private LengthBucketBatcher(Builder builder) {
        this.batchSize = builder.batchSize;
        this.bucketBatches = builder.bucketBatches;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Batches for one training epoch; use a different seed per epoch (e.g. base seed + epoch). */
    public <T> List<Batch<T>> shuffled(List<T> items, ToIntFunction<? super T> length, long seed) {
        Random random = new Random(seed);
        List<Integer> order = new ArrayList<>(IntStream.range(0, items.size()).boxed().toList());
        Collections.shuffle(order, random);
        int chunkSize = batchSize * bucketBatches;
        List<Batch<T>> batches = new ArrayList<>();
        for (int start = 0; start < order.size(); start += chunkSize) {
            List<Integer> chunk = new ArrayList<>(order.subList(start, Math.min(order.size(), start + chunkSize)));
            chunk.sort(byLength(items, length));
            batches.addAll(cut(items, chunk));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Batches for evaluation: all items sorted by length (stable), in that order. */
    public <T> List<Batch<T>> ordered(List<T> items, ToIntFunction<? super T> length) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, items.size()).boxed().toList());
        order.sort(byLength(items, length));
        return cut(items, order);
    }

    private static <T> Comparator<Integer> byLength(List<T> items, ToIntFunction<? super T> length) {
        return Comparator.comparingInt(i -> length.applyAsInt(items.get(i)));
    }

    private <T> List<Batch<T>> cut(List<T> items, List<Integer> order) {
        List<Batch<T>> batches = new ArrayList<>();
        for (int start = 0; start < order.size(); start += batchSize) {
            int[] indices = order.subList(start, Math.min(order.size(), start + batchSize))
                    .stream().mapToInt(Integer::intValue).toArray();
            List<T> batchItems = new ArrayList<>(indices.length);
            for (int index : indices) {
                batchItems.add(items.get(index));
            }
            batches.add(new Batch<>(indices, List.copyOf(batchItems)));
        }
        return batches;
    }

    /** Builds a {@link LengthBucketBatcher}; the batch size is required. */
    public static final class Builder {

        private int batchSize;
        private int bucketBatches = DEFAULT_BUCKET_BATCHES;

        private Builder() {}

        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** How many batches' worth of items are sorted together. Default {@value #DEFAULT_BUCKET_BATCHES}. */
        public Builder optBucketBatches(int bucketBatches) {
            this.bucketBatches = bucketBatches;
            return this;
        }

        public LengthBucketBatcher build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("setBatchSize(...) must be at least 1, got " + batchSize);
            }
            if (bucketBatches < 1) {
                throw new IllegalArgumentException("bucketBatches must be at least 1 (1 sorts within each batch only), got " + bucketBatches);
            }
            return new LengthBucketBatcher(this);
        }
    }
}
