package dev.nlptoolkit.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * What {@link AdamW} and {@link Sgd} share: the parameters by name, the schedule, the step count and
 * per-parameter state tensors ("slots", named as in torch's {@code state_dict}), and their storage.
 *
 * <p>State file: one tensor {@code <slot>.<parameter>} per slot and parameter, plus an int64 scalar
 * {@code step.<parameter>} counting that parameter's updates (torch keeps one per parameter, since
 * a parameter without a gradient is not updated; torch's float32 is exact only to 2^24, so we store
 * int64 and read float32 too); metadata holds the optimizer kind, the global step and the
 * hyper-parameters, including any per-parameter learning-rate scale ({@code lr_scale.<parameter>}) and
 * row limit ({@code trained_rows.<parameter>}; the slots of such a parameter hold only those rows).
 * Loading requires the step of every parameter that has slots: a missing one would restart bias
 * correction at 0 updates, a first step about 10 times too large.
 */
abstract class NamedStateOptimizer implements Optimizer {

    static final String KIND_KEY = "optimizer";
    static final String STEP_KEY = "step";
    static final String LR_SCALE_KEY = "lr_scale.";
    static final String TRAINED_ROWS_KEY = "trained_rows.";
    private static final String STEP_SLOT = "step";

    private final Map<String, Parameter> parameters;
    private final LearningRateSchedule schedule;
    private final Map<String, Double> learningRateScales;
    private final Map<String, Long> trainedRows;
    private final List<String> slots;
    private final NDManager stateManager;
    private final Map<String, ParameterState> states = new HashMap<>();
    private long step;

    /** One parameter's update count and slot tensors, in the order of {@link #slots}. */
    static final class ParameterState {
        long updates;
        final NDArray[] slots;

        ParameterState(NDArray[] slots) {
            this.slots = slots;
        }
    }

    /**
     * @param learningRateScales parameters (by name) that learn at a multiple of the scheduled rate, as a
     *     torch parameter group whose {@code lr} is that multiple of the others' under a shared
     *     {@code LambdaLR}; the rest learn at the scheduled rate
     * @param trainedRows parameters (by name) of which only the first n rows (along the first axis) are
     *     updated, for tables whose other rows never get a gradient; the rest are updated whole
     */
    NamedStateOptimizer(Map<String, Parameter> parameters, LearningRateSchedule schedule,
            Map<String, Double> learningRateScales, Map<String, Long> trainedRows, List<String> slots) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("no parameters to optimise: pass the model's parameters by name");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("no learning-rate schedule: call setSchedule(...)");
        }
        for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalArgumentException(
                        "parameter '" + e.getKey() + "' is not initialised: initialise the model before the optimizer");
            }
        }
        for (Map.Entry<String, Double> e : learningRateScales.entrySet()) {
            if (!parameters.containsKey(e.getKey())) {
                throw new IllegalArgumentException("learning-rate scale for '" + e.getKey()
                        + "', which is not among the parameters to optimise " + parameters.keySet());
            }
            if (!(e.getValue() >= 0) || e.getValue().isInfinite()) {
                throw new IllegalArgumentException("learning-rate scale for '" + e.getKey()
                        + "' must be finite and >= 0, got " + e.getValue());
            }
        }
        for (Map.Entry<String, Long> e : trainedRows.entrySet()) {
            Parameter parameter = parameters.get(e.getKey());
            if (parameter == null) {
                throw new IllegalArgumentException("trained rows for '" + e.getKey()
                        + "', which is not among the parameters to optimise " + parameters.keySet());
            }
            Shape shape = parameter.getArray().getShape();
            if (shape.dimension() < 1 || e.getValue() < 1 || e.getValue() > shape.get(0)) {
                throw new IllegalArgumentException("trained rows for '" + e.getKey() + "' must lie in [1, "
                        + (shape.dimension() < 1 ? 0 : shape.get(0)) + "] for its shape " + shape + ", got "
                        + e.getValue());
            }
        }
        this.parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        this.schedule = schedule;
        this.learningRateScales = Map.copyOf(learningRateScales);
        this.trainedRows = Map.copyOf(trainedRows);
        this.slots = List.copyOf(slots);
        this.stateManager = parameters.values().iterator().next().getArray().getManager().newSubManager();
    }

    /** The optimizer's name in state files. */
    abstract String kind();

    /** Hyper-parameters recorded in the state file's metadata, for provenance. */
    abstract Map<String, String> hyperParameters();

    /** One parameter's share of a step: its gradient, slots, update count (this one included) and rate. */
    record Update(String name, NDArray weight, NDArray gradient, NDArray[] slots, long updates, double lr) {}

    /**
     * Updates the weights of {@code updates}, the parameters that have a gradient, in place. The
     * gradient handles are closed after this returns.
     */
    abstract void apply(List<Update> updates);

    /**
     * For optimizers that update one parameter at a time: runs {@code update} for each, with every
     * intermediate result in a scope closed after that parameter.
     */
    final void eachInItsOwnScope(List<Update> updates, Consumer<Update> update) {
        for (Update u : updates) {
            try (NDManager scope = stateManager.newSubManager()) {
                // Temporarily owned by scope so that every intermediate result lands there; closing
                // scope hands them back to their managers.
                u.weight().tempAttach(scope);
                for (NDArray slot : u.slots()) {
                    slot.tempAttach(scope);
                }
                update.accept(u);
            }
        }
    }

    /** Where the state lives: the parameters' device. */
    final NDManager stateManager() {
        return stateManager;
    }

    @Override
    public final void step() {
        double lr = schedule.lr(step);
        Gradients.withoutRecording(() -> {
            try (NDManager gradients = stateManager.newSubManager()) {
                List<Update> updates = new ArrayList<>();
                parameters.forEach((name, parameter) -> {
                    NDArray weight = parameter.getArray();
                    NDArray gradient = Gradients.of(weight);
                    if (gradient != null) {
                        gradient.attach(gradients);
                        Long rows = trainedRows.get(name);
                        if (rows != null) {
                            // a leading-row slice is a view of the parameter's storage: updating it in place
                            // updates those rows of the parameter
                            weight = trainedPart(weight, rows, gradients);
                            gradient = trainedPart(gradient, rows, gradients);
                        }
                        NDArray updated = weight;
                        ParameterState state = states.computeIfAbsent(name, n -> newState(updated));
                        state.updates++;
                        updates.add(new Update(name, updated, gradient, state.slots, state.updates,
                                lr * learningRateScales.getOrDefault(name, 1.0)));
                    }
                });
                apply(updates);
            }
            return null;
        });
        step++;
    }

    /** Rows 0 .. rows - 1 of {@code array}, a view sharing its storage, closed with {@code scope}. */
    private static NDArray trainedPart(NDArray array, long rows, NDManager scope) {
        NDArray part = array.get(new NDIndex("0:{}", rows));
        part.attach(scope);
        return part;
    }

    private ParameterState newState(NDArray weight) {
        NDArray[] arrays = new NDArray[slots.size()];
        for (int i = 0; i < arrays.length; i++) {
            arrays[i] = stateManager.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
        }
        return new ParameterState(arrays);
    }

    @Override
    public final long stepCount() {
        return step;
    }

    /** The scheduled rate of the current step, before any parameter's {@code learningRateScales}. */
    @Override
    public final double learningRate() {
        return schedule.lr(step);
    }

    @Override
    public final Map<String, Parameter> parameters() {
        return parameters;
    }

    @Override
    public final void saveState(Path file) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = stateManager.newSubManager()) {
            for (String name : parameters.keySet()) {
                ParameterState state = states.get(name);
                if (state == null) {
                    continue;
                }
                tensors.put(STEP_SLOT + "." + name, scope.create(state.updates));
                for (int i = 0; i < slots.size(); i++) {
                    tensors.put(slots.get(i) + "." + name, state.slots[i]);
                }
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put(KIND_KEY, kind());
            metadata.put(STEP_KEY, Long.toString(step));
            metadata.putAll(hyperParameters());
            learningRateScales.forEach((name, scale) -> metadata.put(LR_SCALE_KEY + name, Double.toString(scale)));
            trainedRows.forEach((name, rows) -> metadata.put(TRAINED_ROWS_KEY + name, Long.toString(rows)));
            SafeTensors.write(file, tensors, metadata);
        }
    }

    @Override
    public final void loadState(Path file) throws CheckpointException {
        Map<String, String> metadata = SafetensorsHeader.read(file).metadata();
        if (!kind().equals(metadata.get(KIND_KEY))) {
            throw new CheckpointException(file, "holds the state of optimizer '" + metadata.get(KIND_KEY)
                    + "', not " + kind() + "; resume with the optimizer the run was started with");
        }
        requireSameSettings(file, metadata);
        long savedStep = parseStep(file, metadata.get(STEP_KEY));
        Map<String, ParameterState> loaded = new HashMap<>();
        NDManager incoming = stateManager.newSubManager();
        try {
            Map<String, NDArray> tensors = SafeTensors.read(file, incoming);
            for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
                place(file, e.getKey(), e.getValue(), loaded);
            }
            for (Map.Entry<String, ParameterState> e : loaded.entrySet()) {
                if (e.getValue().updates < 1) {
                    throw new CheckpointException(file, STEP_SLOT + "." + e.getKey(),
                            "missing or not positive: the update count restarts Adam's bias correction");
                }
                for (int i = 0; i < slots.size(); i++) {
                    if (e.getValue().slots[i] == null) {
                        throw new CheckpointException(file, slots.get(i) + "." + e.getKey(), "missing");
                    }
                }
            }
        } catch (CheckpointException | RuntimeException e) {
            incoming.close();
            throw e;
        }
        for (ParameterState state : loaded.values()) {
            for (NDArray slot : state.slots) {
                slot.attach(stateManager);
            }
        }
        incoming.close();
        for (ParameterState old : states.values()) {
            for (NDArray slot : old.slots) {
                slot.close();
            }
        }
        states.clear();
        states.putAll(loaded);
        step = savedStep;
    }

    /**
     * Moments accumulated under one set of hyper-parameters do not carry over to another (torch's
     * {@code load_state_dict} would silently take the saved ones): refuse, naming the setting. A file
     * without a setting predates it and is not checked for it, except the learning-rate scales, which
     * were 1 before they were written, and the row limits, which were all rows.
     */
    private void requireSameSettings(Path file, Map<String, String> metadata) throws CheckpointException {
        for (Map.Entry<String, String> setting : hyperParameters().entrySet()) {
            String saved = metadata.get(setting.getKey());
            if (saved != null && !saved.equals(setting.getValue())) {
                throw new CheckpointException(file, "was saved with " + setting.getKey() + " " + saved
                        + ", this optimizer has " + setting.getValue() + "; resume with the settings the run was"
                        + " started with");
            }
        }
        Set<String> scaled = new TreeSet<>(learningRateScales.keySet());
        metadata.keySet().stream().filter(key -> key.startsWith(LR_SCALE_KEY))
                .forEach(key -> scaled.add(key.substring(LR_SCALE_KEY.length())));
        for (String name : scaled) {
            String saved = metadata.getOrDefault(LR_SCALE_KEY + name, "1.0");
            String current = Double.toString(learningRateScales.getOrDefault(name, 1.0));
            if (!saved.equals(current)) {
                throw new CheckpointException(file, "was saved with learning-rate scale " + saved + " for '" + name
                        + "', this optimizer has " + current + "; resume with the settings the run was started with");
            }
        }
        Set<String> limited = new TreeSet<>(trainedRows.keySet());
        metadata.keySet().stream().filter(key -> key.startsWith(TRAINED_ROWS_KEY))
                .forEach(key -> limited.add(key.substring(TRAINED_ROWS_KEY.length())));
        for (String name : limited) {
            String saved = metadata.getOrDefault(TRAINED_ROWS_KEY + name, "all");
            String current = trainedRows.containsKey(name) ? Long.toString(trainedRows.get(name)) : "all";
            if (!saved.equals(current)) {
                throw new CheckpointException(file, "was saved training " + saved + " rows of '" + name
                        + "', this optimizer trains " + current
                        + "; resume with the settings the run was started with");
            }
        }
    }

    private void place(Path file, String tensorName, NDArray value, Map<String, ParameterState> loaded)
            throws CheckpointException {
        int dot = tensorName.indexOf('.');
        String slot = dot < 0 ? "" : tensorName.substring(0, dot);
        String name = dot < 0 ? "" : tensorName.substring(dot + 1);
        Parameter parameter = parameters.get(name);
        if (parameter == null) {
            throw new CheckpointException(file, tensorName, "names no parameter of this optimizer (expected <slot>."
                    + "<parameter> with one of " + new ArrayList<>(parameters.keySet()) + ")");
        }
        ParameterState state = loaded.computeIfAbsent(name, n -> new ParameterState(new NDArray[slots.size()]));
        if (STEP_SLOT.equals(slot)) {
            state.updates = updateCount(file, tensorName, value);
            return;
        }
        int index = slots.indexOf(slot);
        if (index < 0) {
            throw new CheckpointException(file, tensorName, "unknown state slot '" + slot + "', expected one of " + slots);
        }
        NDArray weight = parameter.getArray();
        Shape expected = weight.getShape();
        if (trainedRows.containsKey(name)) {
            expected = new Shape(trainedRows.get(name)).addAll(expected.slice(1));
        }
        if (!expected.equals(value.getShape()) || weight.getDataType() != value.getDataType()) {
            throw new CheckpointException(file, tensorName, "is " + value.getDataType() + value.getShape()
                    + " but the parameter's state is " + weight.getDataType() + expected);
        }
        state.slots[index] = value.toDevice(weight.getDevice(), false);
    }

    private static long updateCount(Path file, String tensorName, NDArray value) throws CheckpointException {
        if (!value.getShape().isScalar()) {
            throw new CheckpointException(file, tensorName, "must be a scalar, is " + value.getShape());
        }
        return switch (value.getDataType()) {
            case INT64 -> value.getLong();
            case FLOAT32 -> (long) value.getFloat();
            default -> throw new CheckpointException(file, tensorName,
                    "must be int64 (or float32, as older checkpoints and torch store it), is " + value.getDataType());
        };
    }

    private static long parseStep(Path file, String value) throws CheckpointException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file, "metadata '" + STEP_KEY + "' is not a step count: " + value, e);
        }
    }

    @Override
    public final void close() {
        stateManager.close();
    }
}
