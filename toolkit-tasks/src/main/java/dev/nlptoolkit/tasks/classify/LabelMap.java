package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.Example;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The class labels of a model, by id. Labels are strings in the data; ids are their sorted order,
 * so the same training labels always give the same ids. Stored in config.json as Hugging Face does:
 * {@code "id2label": {"0": "neg", ...}, "label2id": {"neg": 0, ...}}.
 */
public final class LabelMap {

    public static final String ID2LABEL = "id2label";
    public static final String LABEL2ID = "label2id";
    public static final String NUM_LABELS = "num_labels";

    private final List<String> labels;
    private final Map<String, Integer> ids = new HashMap<>();

    public LabelMap(List<String> labels) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a classifier needs at least one label");
        }
        this.labels = List.copyOf(labels);
        for (int i = 0; i < labels.size(); i++) {
            if (ids.putIfAbsent(labels.get(i), i) != null) {
                throw new IllegalArgumentException("label '" + labels.get(i) + "' appears twice in " + labels);
            }
        }
    }

    /** The sorted distinct labels of {@code examples}, which must all have one. */
    public static LabelMap of(List<Example> examples, String source) {
        Set<String> distinct = new TreeSet<>();
        for (int i = 0; i < examples.size(); i++) {
            String label = examples.get(i).label();
            if (label == null) {
                throw new UserInputException(source + ": example " + (i + 1) + " has no label; training needs "
                        + "a label column");
            }
            distinct.add(label);
        }
        if (distinct.size() < 2) {
            throw new UserInputException(source + ": training needs at least two distinct labels, found "
                    + distinct);
        }
        return new LabelMap(new ArrayList<>(distinct));
    }

    /** Reads {@code id2label} from a config.json object. */
    public static LabelMap fromConfig(JsonObject config, String source) {
        JsonObject id2label = config.getAsJsonObject(ID2LABEL);
        if (id2label == null) {
            throw new IllegalArgumentException(source + " has no " + ID2LABEL + " object");
        }
        TreeMap<Integer, String> byId = new TreeMap<>();
        for (Map.Entry<String, JsonElement> e : id2label.entrySet()) {
            byId.put(Integer.parseInt(e.getKey()), e.getValue().getAsString());
        }
        if (byId.isEmpty() || byId.firstKey() != 0 || byId.lastKey() != byId.size() - 1) {
            throw new IllegalArgumentException(source + ": " + ID2LABEL + " ids must be 0.." + (byId.size() - 1)
                    + ", got " + byId.keySet());
        }
        return new LabelMap(new ArrayList<>(byId.values()));
    }

    /** Adds {@code num_labels}, {@code id2label} and {@code label2id} to {@code config}. */
    public void addTo(JsonObject config) {
        JsonObject id2label = new JsonObject();
        JsonObject label2id = new JsonObject();
        for (int i = 0; i < labels.size(); i++) {
            id2label.addProperty(Integer.toString(i), labels.get(i));
            label2id.addProperty(labels.get(i), i);
        }
        config.addProperty(NUM_LABELS, labels.size());
        config.add(ID2LABEL, id2label);
        config.add(LABEL2ID, label2id);
    }

    /** The labels in id order. */
    public List<String> labels() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    public String label(int id) {
        return labels.get(id);
    }

    /** The id of {@code label}, or -1 when the model does not know it. */
    public int id(String label) {
        return ids.getOrDefault(label, -1);
    }

    /** The ids of {@code examples}' labels, all of which must be known. */
    int[] ids(List<Example> examples, String source) {
        int[] out = new int[examples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = id(examples.get(i).label());
            if (out[i] < 0) {
                throw new UserInputException(source + ": example " + (i + 1) + " has label '"
                        + examples.get(i).label() + "', which is not one of " + labels);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelMap other && labels.equals(other.labels);
    }

    @Override
    public int hashCode() {
        return labels.hashCode();
    }

    @Override
    public String toString() {
        return labels.toString();
    }
}
