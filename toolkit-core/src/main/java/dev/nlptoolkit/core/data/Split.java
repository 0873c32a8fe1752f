package dev.nlptoolkit.core.data;

import dev.nlptoolkit.core.UserInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A training set and a held-out development set taken from one list.
 *
 * @param train the items kept for training, in input order
 * @param dev the held-out items, in input order
 * @param <T> the item type
 */
public record Split<T>(List<T> train, List<T> dev) {

    /**
     * Holds out {@code fraction} of each label's items (rounded to the nearest whole item), chosen
     * at random with {@code seed}, so the development set has the label distribution of the whole.
     * The same items, labels, fraction and seed give the same split.
     */
    public static <T> Split<T> stratified(List<T> items, Function<? super T, String> label, double fraction, long seed) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new UserInputException("fraction must be in (0, 1), e.g. 0.1 for 10%, got " + fraction);
        }
        // Sorted by label so the random draws do not depend on hash order.
        Map<String, List<Integer>> byLabel = new TreeMap<>();
        for (int i = 0; i < items.size(); i++) {
            String value = Objects.requireNonNull(label.apply(items.get(i)), () -> "item has no label to stratify by");
            byLabel.computeIfAbsent(value, key -> new ArrayList<>()).add(i);
        }
        boolean[] held = new boolean[items.size()];
        Random random = new Random(seed);
        for (List<Integer> indices : byLabel.values()) {
            Collections.shuffle(indices, random);
            long count = Math.round(fraction * indices.size());
            for (int k = 0; k < count; k++) {
                held[indices.get(k)] = true;
            }
        }
        List<T> train = new ArrayList<>();
        List<T> dev = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            (held[i] ? dev : train).add(items.get(i));
        }
        return new Split<>(List.copyOf(train), List.copyOf(dev));
    }
}
