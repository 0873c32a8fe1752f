package dev.nlptoolkit.models.recurrent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

import dev.nlptoolkit.models.dropout.Dropout;

import java.util.ArrayList;
import java.util.List;

/**
 * The recurrent machinery {@link Lstm} and {@link Rnn} share: layers, directions, dropout between
 * layers, initial states, padding, and PyTorch's parameter names and layout. A subclass says how many
 * gates and states its cell has and which fused PyTorch op runs it.
 *
 * <p>Shapes: B batch, T time, E input size, L layers, D directions (1 or 2), Hd hidden size, G gates.
 *
 * <p><b>How it runs.</b> Every path calls PyTorch's fused op ({@code torch::lstm} / {@code
 * torch::rnn_tanh}, reached through DJL's {@code NDArrayEx}), passing the weights ourselves in
 * PyTorch's flat order (per layer, per direction: {@code w_ih, w_hh, b_ih, b_hh}). DJL's own
 * recurrent blocks order them per layer as all weights then all biases, which only coincides with
 * PyTorch's order for one direction; that is DJL's "bidirectional LSTM with biases fails" bug, and
 * the op itself is fine.
 * <ul>
 *   <li>Without padding, one fused call runs all layers and both directions.
 *   <li>With padding the fused op cannot be used whole (DJL does not expose its packed-sequence
 *       form): it would run the reverse direction from the padding end and return states at step T.
 *       So each layer and direction runs on its own. The reverse direction runs forward over the input
 *       reversed within each sequence's length (a gather), which is what packing computes. Time is cut
 *       at each distinct length: the fused op runs from one cut to the next, carrying the state, and
 *       the state at a cut is kept for the sequences that end there. That is exact (the same op on the
 *       same steps) and costs one fused call per distinct length, not a Java loop per step. Sequences
 *       that have ended keep computing until the longest ends; their outputs are then set to zero.
 * </ul>
 */
abstract class StackedRecurrent extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final String[] DIRECTION_SUFFIXES = {"", "_reverse"};
    /** Every Block here takes (B, T, E) and has both biases, as torch's defaults with batch_first=True. */
    static final boolean BATCH_FIRST = true;
    static final boolean HAS_BIASES = true;

    private final int hiddenSize;
    private final int numLayers;
    private final boolean bidirectional;
    private final float dropout;
    /** Index layer * D + direction: w_ih, w_hh, b_ih, b_hh, PyTorch's flat-weights order. */
    private final List<List<Parameter>> cells = new ArrayList<>();

    StackedRecurrent(Builder<?> builder) {
        super(VERSION);
        hiddenSize = builder.hiddenSize;
        numLayers = builder.numLayers;
        bidirectional = builder.bidirectional;
        dropout = builder.dropout;
        // PyTorch's default: every parameter uniform in +-1/sqrt(Hd)
        UniformInitializer init = new UniformInitializer((float) (1.0 / Math.sqrt(hiddenSize)));
        for (int layer = 0; layer < numLayers; layer++) {
            for (int direction = 0; direction < directions(); direction++) {
                String suffix = "_l" + layer + DIRECTION_SUFFIXES[direction];
                cells.add(List.of(
                        addParameter(parameter("weight_ih" + suffix, Parameter.Type.WEIGHT, init)),
                        addParameter(parameter("weight_hh" + suffix, Parameter.Type.WEIGHT, init)),
                        addParameter(parameter("bias_ih" + suffix, Parameter.Type.BIAS, init)),
                        addParameter(parameter("bias_hh" + suffix, Parameter.Type.BIAS, init))));
            }
        }
    }

    private static Parameter parameter(String name, Parameter.Type type, UniformInitializer init) {
        return Parameter.builder().setName(name).setType(type).optInitializer(init).build();
    }

    /** G: rows of each weight per hidden unit (4 for an LSTM: i, f, g, o). */
    abstract int gateCount();

    /** How many state arrays the cell carries (2 for an LSTM: h and c). */
    abstract int stateCount();

    /**
     * Runs PyTorch's fused op, batch first, with biases.
     *
     * @param input (B, T', In)
     * @param states {@link #stateCount()} arrays (layers * D', B, Hd)
     * @param weights per layer and direction w_ih, w_hh, b_ih, b_hh
     * @return the output (B, T', D' * Hd), then the final states in the order of {@code states}
     */
    abstract NDList runFused(
            NDArray input, NDList states, NDList weights, int layers, boolean bothDirections, float dropRate,
            boolean training);

    public int getHiddenSize() {
        return hiddenSize;
    }

    public int getNumLayers() {
        return numLayers;
    }

    public boolean isBidirectional() {
        return bidirectional;
    }

    private int directions() {
        return bidirectional ? 2 : 1;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        long inputSize = inputShapes[0].get(2);
        long gateRows = (long) gateCount() * hiddenSize;
        for (int layer = 0; layer < numLayers; layer++) {
            long layerInput = layer == 0 ? inputSize : (long) directions() * hiddenSize;
            for (int direction = 0; direction < directions(); direction++) {
                List<Parameter> cell = cells.get(layer * directions() + direction);
                cell.get(0).setShape(new Shape(gateRows, layerInput));
                cell.get(1).setShape(new Shape(gateRows, hiddenSize));
                cell.get(2).setShape(new Shape(gateRows));
                cell.get(3).setShape(new Shape(gateRows));
            }
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape input = inputShapes[0];
        Shape[] shapes = new Shape[1 + stateCount()];
        shapes[0] = new Shape(input.get(0), input.get(1), (long) directions() * hiddenSize);
        for (int s = 1; s < shapes.length; s++) {
            shapes[s] = stateShape(input.get(0));
        }
        return shapes;
    }

    private Shape stateShape(long batch) {
        return new Shape((long) numLayers * directions(), batch, hiddenSize);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        RecurrentInput in = RecurrentInput.fromNDList(inputs);
        NDArray x = in.input();
        Shape shape = x.getShape();
        if (shape.dimension() != 3) {
            throw new IllegalArgumentException("input must be batch first (B, T, E), got " + shape);
        }
        NDManager parent = x.getManager();
        try (NDManager scope = parent.newSubManager()) {
            // intermediate results are created in their operand's manager: keep them in this scope
            scope.tempAttachAll(inputs);
            NDList states = initialStates(in, scope, shape.get(0));
            List<NDList> weights = new ArrayList<>();
            for (List<Parameter> cell : cells) {
                NDList arrays = new NDList();
                cell.forEach(p -> arrays.add(parameterStore.getValue(p, x.getDevice(), training)));
                weights.add(arrays);
            }
            SequenceLengths lengths =
                    in.lengths() == null ? null : SequenceLengths.read(in.lengths(), shape.get(0), shape.get(1));
            NDList result = lengths == null || lengths.isFull()
                    ? runFused(x, states, flatten(weights), numLayers, bidirectional, dropout, training)
                    : runPadded(scope, x, states, weights, lengths, training);
            RecurrentOutput out = new RecurrentOutput(
                    result.get(0), result.get(1), stateCount() > 1 ? result.get(2) : null);
            NDList list = out.toNDList();
            list.attach(parent);
            return list;
        }
    }

    private static NDList flatten(List<NDList> weights) {
        NDList all = new NDList();
        weights.forEach(all::addAll);
        return all;
    }

    private NDList initialStates(RecurrentInput in, NDManager scope, long batch) {
        Shape expected = stateShape(batch);
        if (in.h0() == null && in.c0() == null) {
            NDList zeros = new NDList();
            for (int s = 0; s < stateCount(); s++) {
                zeros.add(scope.zeros(expected, in.input().getDataType(), in.input().getDevice()));
            }
            return zeros;
        }
        String name = getClass().getSimpleName();
        boolean fits = stateCount() == 1 ? in.h0() != null && in.c0() == null : in.h0() != null && in.c0() != null;
        if (!fits) {
            throw new IllegalArgumentException(name + " takes " + (stateCount() == 1 ? "h0 only" : "both h0 and c0")
                    + " as initial state: use RecurrentInput.withInitialState with "
                    + (stateCount() == 1 ? "one array" : "two arrays"));
        }
        NDList given = new NDList(in.h0(), in.c0()).subNDList(0, stateCount());
        for (NDArray state : given) {
            if (!state.getShape().equals(expected)) {
                throw new IllegalArgumentException(name + " initial state must be (L*D, B, Hd) = " + expected
                        + ", got " + state.getShape());
            }
        }
        return given;
    }

    /** Layer by layer, direction by direction, each cut at the sequences' ends (see the class javadoc). */
    private NDList runPadded(
            NDManager scope, NDArray x, NDList states, List<NDList> weights, SequenceLengths lengths,
            boolean training) {
        long batch = lengths.batch();
        long steps = lengths.steps();
        // (B, T) -> (B, T, 1), broadcast over features below
        NDArray real = lengths.mask(scope).reshape(batch, steps, 1);
        NDArray reversal = lengths.reversalIndex(scope).reshape(batch, steps, 1);
        NDArray zero = scope.zeros(new Shape(1), x.getDataType());
        List<List<NDArray>> finals = new ArrayList<>();
        for (int s = 0; s < stateCount(); s++) {
            finals.add(new ArrayList<>());
        }
        NDArray layerInput = x;
        for (int layer = 0; layer < numLayers; layer++) {
            NDList outputs = new NDList();
            for (int direction = 0; direction < directions(); direction++) {
                int cell = layer * directions() + direction;
                boolean reverse = direction == 1;
                NDArray sequence = reverse ? reverseWithin(layerInput, reversal) : layerInput;
                NDList initial = new NDList();
                // (L*D, B, Hd) -> (1, B, Hd)
                states.forEach(state -> initial.add(state.get(new NDIndex("{}:{}", cell, cell + 1))));
                NDList run = runCut(scope, sequence, initial, weights.get(cell), lengths, training);
                outputs.add(reverse ? reverseWithin(run.get(0), reversal) : run.get(0));
                for (int s = 0; s < stateCount(); s++) {
                    finals.get(s).add(run.get(1 + s));
                }
            }
            // D x (B, T, Hd) -> (B, T, D*Hd), zero at padding
            NDArray concatenated = NDArrays.concat(outputs, 2);
            // DJL's where needs the condition in the full shape; the other operand broadcasts
            layerInput = NDArrays.where(real.broadcast(concatenated.getShape()), concatenated, zero);
            if (training && dropout > 0 && layer < numLayers - 1) {
                layerInput = Dropout.dropout(layerInput, dropout, true).singletonOrThrow();
            }
        }
        NDList result = new NDList(layerInput);
        // (L*D) x (1, B, Hd) -> (L*D, B, Hd)
        finals.forEach(perCell -> result.add(NDArrays.concat(new NDList(perCell), 0)));
        return result;
    }

    /** (B, T, C): each sequence reversed within its length, padding left in place. */
    private static NDArray reverseWithin(NDArray sequence, NDArray reversal) {
        Shape s = sequence.getShape();
        return sequence.gather(reversal.broadcast(s), 1);
    }

    /**
     * One direction of one layer over a padded batch, forward in time: the fused op runs from each
     * distinct length to the next, and the states at a cut are kept for the sequences ending there.
     *
     * @param sequence (B, T, In)
     * @param initial {@link #stateCount()} arrays (1, B, Hd)
     * @return the output (B, T, Hd), garbage at padding, then the final states (1, B, Hd)
     */
    private NDList runCut(
            NDManager scope, NDArray sequence, NDList initial, NDList weights, SequenceLengths lengths,
            boolean training) {
        long batch = lengths.batch();
        NDList states = initial;
        NDList kept = new NDList();
        for (NDArray state : initial) {
            kept.add(state.zerosLike());
        }
        NDList pieces = new NDList();
        long start = 0;
        for (long end : lengths.endSteps()) {
            try (NDManager cut = scope.newSubManager()) {
                cut.tempAttachAll(sequence);
                // the previous states are superseded here: let them close with this cut
                states.attach(cut);
                kept.attach(cut);
                // (B, T, In) -> (B, end - start, In)
                NDArray piece = sequence.get(new NDIndex(":, {}:{}", start, end));
                NDList run = runFused(piece, states, weights, 1, false, 0f, training);
                // (B) -> (1, B, 1) -> (1, B, Hd)
                NDArray ending = lengths.endingAt(cut, end).reshape(1, batch, 1).broadcast(kept.head().getShape());
                NDList nextKept = new NDList();
                for (int s = 0; s < stateCount(); s++) {
                    nextKept.add(NDArrays.where(ending, run.get(1 + s), kept.get(s)));
                }
                NDArray output = run.get(0);
                output.attach(scope);
                pieces.add(output);
                states = run.subNDList(1);
                kept = nextKept;
                states.attach(scope);
                kept.attach(scope);
            }
            start = end;
        }
        NDArray output = NDArrays.concat(pieces, 1);
        long longest = lengths.max();
        if (longest < lengths.steps()) {
            // (B, max, Hd) -> (B, T, Hd): nothing ran past the longest sequence
            Shape rest = new Shape(batch, lengths.steps() - longest, hiddenSize);
            output = NDArrays.concat(new NDList(output, scope.zeros(rest, output.getDataType())), 1);
        }
        NDList result = new NDList(output);
        result.addAll(kept);
        return result;
    }

    /** Options every recurrent Block takes; {@code T} is the concrete builder. */
    abstract static class Builder<T extends Builder<T>> {

        private int hiddenSize;
        private int numLayers = 1;
        private boolean bidirectional;
        private float dropout;

        abstract T self();

        /** Required: Hd, the size of the hidden state of each direction. */
        public T setHiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return self();
        }

        /** L stacked layers; default 1. */
        public T optNumLayers(int numLayers) {
            this.numLayers = numLayers;
            return self();
        }

        /** Whether to add a reverse direction (D = 2); default false. */
        public T optBidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return self();
        }

        /** Dropout on the outputs of every layer but the last, while training; default 0. */
        public T optDropout(float dropout) {
            this.dropout = dropout;
            return self();
        }

        void validate() {
            if (hiddenSize <= 0) {
                throw new IllegalArgumentException("hidden size is " + hiddenSize + ": call setHiddenSize(n) with n > 0");
            }
            if (numLayers <= 0) {
                throw new IllegalArgumentException("numLayers is " + numLayers + ": optNumLayers needs at least 1");
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout is " + dropout + ": optDropout takes a value in [0, 1)");
            }
        }
    }
}
