package dev.nlptoolkit.core.metric;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The references of each hypothesis, from sacreBLEU's reference streams: stream k holds the k-th
 * reference of every segment, {@code null} where a segment has fewer references.
 */
final class References {

    private final List<List<String>> bySegment;
    private final String count;

    private References(List<List<String>> bySegment, String count) {
        this.bySegment = bySegment;
        this.count = count;
    }

    static References of(List<String> hypotheses, List<List<String>> streams) {
        if (hypotheses.isEmpty()) {
            throw new IllegalArgumentException("no hypotheses to score");
        }
        if (streams.isEmpty()) {
            throw new IllegalArgumentException("no references: give at least one reference stream");
        }
        for (int k = 0; k < streams.size(); k++) {
            if (streams.get(k).size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + (k + 1) + " has " + streams.get(k).size()
                        + " segments but there are " + hypotheses.size() + " hypotheses");
            }
        }
        List<List<String>> bySegment = new ArrayList<>(hypotheses.size());
        Set<Integer> counts = new HashSet<>();
        for (int i = 0; i < hypotheses.size(); i++) {
            if (hypotheses.get(i) == null) {
                throw new IllegalArgumentException("hypothesis " + (i + 1) + " is null");
            }
            List<String> references = new ArrayList<>(streams.size());
            for (List<String> stream : streams) {
                if (stream.get(i) != null) {
                    references.add(stream.get(i));
                }
            }
            if (references.isEmpty()) {
                throw new IllegalArgumentException("segment " + (i + 1) + " has no reference");
            }
            counts.add(references.size());
            bySegment.add(references);
        }
        return new References(bySegment, counts.size() == 1 ? counts.iterator().next().toString() : "var");
    }

    /** The references of segment {@code i} (0-based). */
    List<String> of(int i) {
        return bySegment.get(i);
    }

    /** The signature's {@code nrefs}: the number of references per segment, or {@code var}. */
    String count() {
        return count;
    }
}
