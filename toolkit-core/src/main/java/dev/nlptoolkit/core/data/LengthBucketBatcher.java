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
 * all items by length and keeps no randomness. Both return every item exactly once.
 *
 * <p>A batch holds either {@code batchSize} items (only the last batch of a chunk may hold fewer)
 * or, with {@link Builder#setMaxTokens}, as many items as fit in {@code maxTokens} padded tokens
 * (items times the longest length, fairseq's {@code --max-tokens}); a longer item than that goes
 * alone. In token mode a chunk holds {@code bucketBatches * maxTokens} tokens of items.
 */
public final class LengthBucketBatcher {

    /** Batches per sorted chunk by default: enough to group lengths well, few enough to stay random. */
    public static final int DEFAULT_BUCKET_BATCHES = 50;

    private final int batchSize;
    private final int maxTokens;
    private final int bucketBatches;

    private LengthBucketBatcher(Builder builder) {
        this.batchSize = builder.batchSize;
        this.maxTokens = builder.maxTokens;
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
        List<Batch<T>> batches = new ArrayList<>();
        int start = 0;
        while (start < order.size()) {
            int end = chunkEnd(items, length, order, start);
            List<Integer> chunk = new ArrayList<>(order.subList(start, end));
            chunk.sort(byLength(items, length));
            batches.addAll(cut(items, length, chunk));
            start = end;
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Where the chunk that starts at {@code start} of {@code order} ends (exclusive). */
    private <T> int chunkEnd(List<T> items, ToIntFunction<? super T> length, List<Integer> order, int start) {
        if (maxTokens == 0) {
            return Math.min(order.size(), start + batchSize * bucketBatches);
        }
        long budget = (long) maxTokens * bucketBatches;
        long tokens = 0;
        int end = start;
        while (end < order.size() && tokens < budget) {
            tokens += Math.max(1, length.applyAsInt(items.get(order.get(end))));
            end++;
        }
        return end;
    }

    /** Batches for evaluation: all items sorted by length (stable), in that order. */
    public <T> List<Batch<T>> ordered(List<T> items, ToIntFunction<? super T> length) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, items.size()).boxed().toList());
        order.sort(byLength(items, length));
        return cut(items, length, order);
    }

    /** Computes the results of one batch, in the batch's order. */
    @FunctionalInterface
    public interface BatchFunction<T, R> {
        /**
         * @param indices the positions of the batch's items in the input list
         * @param items the batch's items
         */
        List<R> apply(int[] indices, List<T> items);
    }

    /**
     * Batched inference: runs {@code run} on the {@link #ordered} batches, so that items of similar
     * length share a batch, and returns the results in input order.
     */
    public <T, R> List<R> mapInLengthOrder(List<T> items, ToIntFunction<? super T> length, BatchFunction<T, R> run) {
        List<R> results = new ArrayList<>(Collections.nCopies(items.size(), null));
        for (Batch<T> batch : ordered(items, length)) {
            List<R> batchResults = run.apply(batch.indices(), batch.items());
            if (batchResults.size() != batch.size()) {
                throw new IllegalStateException(batchResults.size() + " results for a batch of " + batch.size());
            }
            for (int i = 0; i < batch.size(); i++) {
                results.set(batch.indices()[i], batchResults.get(i));
            }
        }
        return results;
    }

    private static <T> Comparator<Integer> byLength(List<T> items, ToIntFunction<? super T> length) {
        return Comparator.comparingInt(i -> length.applyAsInt(items.get(i)));
    }

    /** Cuts {@code order}, sorted by length, into batches. */
    private <T> List<Batch<T>> cut(List<T> items, ToIntFunction<? super T> length, List<Integer> order) {
        List<Batch<T>> batches = new ArrayList<>();
        int start = 0;
        while (start < order.size()) {
            int end = maxTokens == 0
                    ? Math.min(order.size(), start + batchSize)
                    : tokenBatchEnd(items, length, order, start);
            int[] indices = order.subList(start, end).stream().mapToInt(Integer::intValue).toArray();
            List<T> batchItems = new ArrayList<>(indices.length);
            for (int index : indices) {
                batchItems.add(items.get(index));
            }
            batches.add(new Batch<>(indices, List.copyOf(batchItems)));
            start = end;
        }
        return batches;
    }

    /** The end of the longest run from {@code start} whose padded size stays within {@code maxTokens}. */
    private <T> int tokenBatchEnd(List<T> items, ToIntFunction<? super T> length, List<Integer> order, int start) {
        int end = start + 1;
        int longest = Math.max(1, length.applyAsInt(items.get(order.get(start))));
        while (end < order.size()) {
            int next = Math.max(longest, length.applyAsInt(items.get(order.get(end))));
            if ((long) next * (end - start + 1) > maxTokens) {
                break;
            }
            longest = next;
            end++;
        }
        return end;
    }

    /** Builds a {@link LengthBucketBatcher}; the batch size or the token budget (not both) is required. */
    public static final class Builder {

        private int batchSize;
        private int maxTokens;
        private int bucketBatches = DEFAULT_BUCKET_BATCHES;

        private Builder() {}

        /** Items per batch. */
        public Builder setBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Instead of a batch size: the most padded tokens (items times the longest length) per batch. */
        public Builder setMaxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /** How many batches' worth of items are sorted together. Default {@value #DEFAULT_BUCKET_BATCHES}. */
        public Builder optBucketBatches(int bucketBatches) {
            this.bucketBatches = bucketBatches;
            return this;
        }

        public LengthBucketBatcher build() {
            if ((batchSize == 0) == (maxTokens == 0)) {
                throw new IllegalArgumentException("call exactly one of setBatchSize(...) and setMaxTokens(...), got "
                        + batchSize + " and " + maxTokens);
            }
            if (batchSize < 0 || maxTokens < 0) {
                throw new IllegalArgumentException("batch size and max tokens must be at least 1, got "
                        + batchSize + " and " + maxTokens);
            }
            if (bucketBatches < 1) {
                throw new IllegalArgumentException("bucketBatches must be at least 1 (1 sorts within each batch only), got " + bucketBatches);
            }
            return new LengthBucketBatcher(this);
        }
    }
}
