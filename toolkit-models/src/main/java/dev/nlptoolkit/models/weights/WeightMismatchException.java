package dev.nlptoolkit.models.weights;

import java.util.List;

/**
 * A set of weights does not fit a Block: keys the Block needs are missing, keys it does not know
 * are present, or shapes differ. The message lists every fault, not just the first.
 */
public class WeightMismatchException extends Exception {

    private static final long serialVersionUID = 1L;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> shapeMismatches;

    public WeightMismatchException(
            String source, List<String> missing, List<String> unexpected, List<String> shapeMismatches) {
        super(message(source, missing, unexpected, shapeMismatches));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    private static String message(
            String source, List<String> missing, List<String> unexpected, List<String> shapes) {
        StringBuilder sb = new StringBuilder("weights from ").append(source).append(" do not fit the model:");
        if (!missing.isEmpty()) {
            sb.append("\n  missing: ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected: ").append(unexpected);
        }
        if (!shapes.isEmpty()) {
            sb.append("\n  wrong shape: ").append(shapes);
        }
        return sb.toString();
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> shapeMismatches() {
        return shapeMismatches;
    }
}
