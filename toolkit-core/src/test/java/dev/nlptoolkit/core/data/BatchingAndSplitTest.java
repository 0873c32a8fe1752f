package dev.nlptoolkit.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

class BatchingAndSplitTest {

    private static final int ITEMS = 1003;
    private static final int BATCH = 16;

    /** Strings of pseudo-random lengths 1..60, made with a fixed seed. */
    private static List<String> items() {
        Random random = new Random(7);
        return IntStream.range(0, ITEMS).mapToObj(i -> "x".repeat(1 + random.nextInt(60)) + "#" + i).toList();
    }

    private static int[] allIndices(List<Batch<String>> batches) {
        return batches.stream().flatMapToInt(b -> Arrays.stream(b.indices())).sorted().toArray();
    }

    @Test
    void shuffledBatchesHoldEveryItemOnceAndAreDeterministic() {
        List<String> items = items();
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setBatchSize(BATCH).optBucketBatches(5).build();
        List<Batch<String>> batches = batcher.shuffled(items, String::length, 42);
        assertArrayEquals(IntStream.range(0, ITEMS).toArray(), allIndices(batches));
        for (Batch<String> batch : batches) {
            assertTrue(batch.size() <= BATCH);
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(items.get(batch.indices()[i]), batch.items().get(i));
            }
        }
        List<Batch<String>> again = batcher.shuffled(items, String::length, 42);
        assertEquals(batches.stream().map(Batch::items).toList(), again.stream().map(Batch::items).toList());
        assertNotEquals(batches.stream().map(Batch::items).toList(),
                batcher.shuffled(items, String::length, 43).stream().map(Batch::items).toList());
    }

    @Test
    void bucketingCutsPadding() {
        List<String> items = items();
        LengthBucketBatcher bucketed = LengthBucketBatcher.builder().setBatchSize(BATCH).build();
        long bucketedPadding = padding(bucketed.shuffled(items, String::length, 1));
        // One batch per chunk sorts nothing across batches: the plain random baseline.
        long randomPadding = padding(LengthBucketBatcher.builder().setBatchSize(BATCH).optBucketBatches(1)
                .build().shuffled(items, String::length, 1));
        assertTrue(bucketedPadding * 4 < randomPadding, bucketedPadding + " vs " + randomPadding);
    }

    private static long padding(List<Batch<String>> batches) {
        long total = 0;
        for (Batch<String> batch : batches) {
            int max = batch.items().stream().mapToInt(String::length).max().orElse(0);
            total += batch.items().stream().mapToInt(s -> max - s.length()).sum();
        }
        return total;
    }

    @Test
    void tokenBudgetBoundsPaddedTokensAndAnOverlongItemGoesAlone() {
        List<String> items = new ArrayList<>(items());
        items.add("x".repeat(300));
        int maxTokens = 200;
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setMaxTokens(maxTokens).build();
        List<Batch<String>> batches = batcher.shuffled(items, String::length, 7);
        assertArrayEquals(IntStream.range(0, items.size()).toArray(), allIndices(batches));
        int alone = 0;
        for (Batch<String> batch : batches) {
            int longest = batch.items().stream().mapToInt(String::length).max().orElseThrow();
            if (longest > maxTokens) {
                assertEquals(1, batch.size());
                alone++;
            } else {
                assertTrue(longest * batch.size() <= maxTokens, longest + " x " + batch.size());
            }
        }
        assertEquals(1, alone);
        // Sorted batches fill the budget: the next item would have broken it.
        List<Batch<String>> ordered = batcher.ordered(items, String::length);
        for (int b = 0; b + 1 < ordered.size(); b++) {
            int next = ordered.get(b + 1).items().get(0).length();
            assertTrue(Math.max(1, next) * (ordered.get(b).size() + 1) > maxTokens);
        }
        assertThrows(IllegalArgumentException.class,
                () -> LengthBucketBatcher.builder().setBatchSize(2).setMaxTokens(10).build());
    }

    @Test
    void orderedBatchesAreSortedAndMapBackToInputOrder() {
        List<String> items = items();
        List<Batch<String>> batches = LengthBucketBatcher.builder().setBatchSize(BATCH).build().ordered(items, String::length);
        assertEquals((ITEMS + BATCH - 1) / BATCH, batches.size());
        String[] restored = new String[ITEMS];
        int previous = 0;
        for (Batch<String> batch : batches) {
            for (int i = 0; i < batch.size(); i++) {
                assertTrue(batch.items().get(i).length() >= previous);
                previous = batch.items().get(i).length();
                restored[batch.indices()[i]] = batch.items().get(i);
            }
        }
        assertEquals(items, Arrays.asList(restored));
    }

    @Test
    void stratifiedSplitOfTrecKeepsLabelProportions() throws IOException {
        List<Example> trec = new TrecReader(TrecReader.Granularity.COARSE).read(Datasets.file("trec/train_5500.label"));
        Split<Example> split = Split.stratified(trec, Example::label, 0.1, 13);
        Map<String, Long> dev = split.dev().stream().collect(Collectors.groupingBy(Example::label, Collectors.counting()));
        // round(0.1 * count) per class: ABBR 86 -> 9, DESC 1162 -> 116, ENTY 1248 -> 125, HUM 1219 -> 122, LOC 834 -> 83, NUM 895 -> 90.
        assertEquals(Map.of("ABBR", 9L, "DESC", 116L, "ENTY", 125L, "HUM", 122L, "LOC", 83L, "NUM", 90L), dev);
        assertEquals(trec.size(), split.train().size() + split.dev().size());
        Split<Example> again = Split.stratified(trec, Example::label, 0.1, 13);
        assertEquals(split.dev(), again.dev());
        assertNotEquals(split.dev(), Split.stratified(trec, Example::label, 0.1, 14).dev());
        List<Example> merged = new ArrayList<>(split.train());
        merged.addAll(split.dev());
        assertEquals(trec.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())),
                merged.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
    }
}
