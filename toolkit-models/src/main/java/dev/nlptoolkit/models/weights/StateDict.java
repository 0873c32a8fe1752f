package dev.nlptoolkit.models.weights;

import dev.nlptoolkit.core.train.Gradients;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The parameters of a Block under dotted PyTorch-style names ({@code encoder.layer.0.attention.self.query.weight}),
 * so that a checkpoint written by PyTorch or transformers loads by name, and ours load there.
 *
 * <p>DJL registers child blocks as {@code "%02d" + name}; the names here drop that ordinal.
 */
public final class StateDict {

    private StateDict() {}

    /** How checkpoint keys map onto a Block's names, and which differences are allowed. */
    public record LoadSpec(
            Function<String, String> rename,
            Predicate<String> mayBeMissing,
            Predicate<String> mayBeUnexpected) {

        /** Every key must match exactly, both ways. */
        public static LoadSpec strict() {
            return new LoadSpec(Function.identity(), k -> false, k -> false);
        }

        public LoadSpec withRename(Function<String, String> f) {
            return new LoadSpec(f, mayBeMissing, mayBeUnexpected);
        }

        public LoadSpec allowMissing(Predicate<String> p) {
            return new LoadSpec(rename, p, mayBeUnexpected);
        }

        public LoadSpec ignoreUnexpected(Predicate<String> p) {
            return new LoadSpec(rename, mayBeMissing, p);
        }
    }

    /** Every parameter of {@code block} and its descendants, by dotted name, in registration order. */
    public static Map<String, Parameter> of(Block block) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(block, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            out.put(prefix + p.getKey(), p.getValue());
        }
        List<Pair<String, Block>> children = new ArrayList<>();
        block.getChildren().forEach(children::add);
        for (int i = 0; i < children.size(); i++) {
            String ordinal = String.format(Locale.ROOT, "%02d", i + 1);
            String name = children.get(i).getKey().substring(ordinal.length());
            collect(children.get(i).getValue(), prefix + name + ".", out);
        }
    }

    /** The current arrays of every initialised parameter, by dotted name (not copies). */
    public static Map<String, NDArray> arrays(Block block) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : of(block).entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException(
                        "parameter '" + e.getKey() + "' is not initialised: initialise the block first");
            }
            out.put(e.getKey(), e.getValue().getArray());
        }
        return out;
    }

    /** Copies {@code tensors} into the initialised parameters of {@code block}; names must match exactly. */
    public static void load(Block block, Map<String, NDArray> tensors, String source)
            throws WeightMismatchException {
        load(block, tensors, source, LoadSpec.strict());
    }

    /**
     * Copies {@code tensors} into the initialised parameters of {@code block}. Checks everything
     * first and copies nothing unless every key and shape fits (allowing what {@code spec} allows).
     *
     * @param source names the origin (a file, usually) in the error message
     */
    public static void load(Block block, Map<String, NDArray> tensors, String source, LoadSpec spec)
            throws WeightMismatchException {
        Map<String, Parameter> params = of(block);
        Map<String, NDArray> renamed = new LinkedHashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            String name = spec.rename().apply(e.getKey());
            if (params.containsKey(name)) {
                renamed.put(name, e.getValue());
            } else if (!spec.mayBeUnexpected().test(e.getKey())) {
                unexpected.add(e.getKey());
            }
        }
        List<String> missing = new ArrayList<>();
        List<String> shapes = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray value = renamed.get(e.getKey());
            if (value == null) {
                if (!spec.mayBeMissing().test(e.getKey())) {
                    missing.add(e.getKey());
                }
                continue;
            }
            Parameter p = e.getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException(
                        "parameter '" + e.getKey() + "' is not initialised: initialise the block before loading");
            }
            if (!p.getArray().getShape().equals(value.getShape())) {
                shapes.add(e.getKey() + " expects " + p.getArray().getShape() + " but " + source
                        + " has " + value.getShape());
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty() || !shapes.isEmpty()) {
            throw new WeightMismatchException(source, missing, unexpected, shapes);
        }
        Gradients.withoutRecording(() -> {
            for (Map.Entry<String, NDArray> e : renamed.entrySet()) {
                copyInto(e.getValue().toType(params.get(e.getKey()).getArray().getDataType(), false),
                        params.get(e.getKey()).getArray());
            }
            return null;
        });
    }

    /**
     * Overwrites {@code target} with {@code value} in place, as {@code target * 0 + value}: exact for the
     * finite values a freshly initialised parameter holds (-0 + v is v). DJL's {@code copyTo} goes through
     * libtorch's deprecated AutoNonVariableTypeMode, whose warning would reach the stderr of every command
     * that loads a model.
     */
    private static void copyInto(NDArray value, NDArray target) {
        target.muli(0).addi(value);
    }
}
