package dev.nlptoolkit.models.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.ndarray.NativeArrays;
import dev.nlptoolkit.models.seq2seq.DecoderCache;
import dev.nlptoolkit.models.seq2seq.EncoderOutput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What greedy and beam search share: the decoder's steps, length limits, banned tokens, and output histories. */
final class Search {

    /** Vocabulary axis of (rows, V). */
    static final int VOCAB_AXIS = -1;

    private Search() {}

    /** Real tokens per source row, from a (B, S) mask. */
    static long[] sourceLengths(NDArray sourceMask) {
        long[] lengths = sourceMask.neq(0).toType(DataType.INT64, false).sum(new int[] {1}).toLongArray();
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] == 0) {
                throw new IllegalArgumentException("source row " + b + " has no real token: give every source at"
                        + " least one (e.g. eos), or leave empty inputs out of the batch");
            }
        }
        return lengths;
    }

    /** The most tokens before eos per sentence: a x S + b, within the model's positions (bos takes one). */
    static int[] maxLengths(long[] sourceLengths, DecodeOptions options, Seq2SeqModel model) {
        int positions = model.maxTargetPositions();
        int[] limits = new int[sourceLengths.length];
        for (int b = 0; b < limits.length; b++) {
            limits[b] = Math.min(options.maxLength(sourceLengths[b]),
                    positions == Integer.MAX_VALUE ? Integer.MAX_VALUE : positions - 1);
        }
        return limits;
    }

    /**
     * The decoder state for {@code encoded}'s rows: the model's cache, or, unless the options decode
     * incrementally, a {@link Redecoding} of the whole prefix at every step.
     */
    static DecoderCache start(Seq2SeqModel model, ParameterStore ps, EncoderOutput encoded, int capacity,
            DecodeOptions options) {
        return options.incremental() ? model.startDecoding(ps, encoded, capacity) : new Redecoding(model, encoded);
    }

    /** Logits (R, V) of the next token of every row of {@code cache}, which the step extends. */
    static NDArray step(Seq2SeqModel model, ParameterStore ps, DecoderCache cache, NDArray lastTokens) {
        return cache instanceof Redecoding redecoding
                ? redecoding.step(ps, lastTokens)
                : model.step(ps, cache, lastTokens);
    }

    /**
     * (V): -inf at pad and bos, which no output contains, and at eos for the steps before the minimum
     * length; 0 elsewhere. In {@code manager}, in memory libtorch owns, since it outlives the steps.
     */
    static Bans bans(NDManager manager, long vocab, DecodeOptions options) {
        float[] ban = new float[(int) vocab];
        ban[options.padId()] = Float.NEGATIVE_INFINITY;
        if (options.bosId() != options.eosId()) {
            ban[options.bosId()] = Float.NEGATIVE_INFINITY;
        }
        NDArray always = NativeArrays.copyOf(manager.create(ban));
        if (options.minLength() == 0) {
            return new Bans(always, always, 0);
        }
        ban[options.eosId()] = Float.NEGATIVE_INFINITY;
        return new Bans(always, NativeArrays.copyOf(manager.create(ban)), options.minLength());
    }

    /** The additive bans (V) of each step: {@code early} before step {@code minLength}, {@code always} after. */
    record Bans(NDArray always, NDArray early, int minLength) {

        NDArray at(int step) {
            return step < minLength ? early : always;
        }
    }

    /**
     * Sets -inf in {@code logProbabilities} (R, V) where a token would complete an n-gram its row
     * already holds (Paulus et al. 2018; fairseq's {@code --no-repeat-ngram-size}); eos is never banned.
     *
     * @return the array with the bans (a new one when any row has a ban)
     */
    static NDArray banRepeats(NDArray logProbabilities, List<Node> rows, DecodeOptions options) {
        int n = options.noRepeatNgram();
        if (n == 0) {
            return logProbabilities;
        }
        Shape shape = logProbabilities.getShape();
        long vocab = shape.get(1);
        List<Long> flat = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            for (int token : bannedNext(Node.tokens(rows.get(r)), n)) {
                if (token != options.eosId()) {
                    flat.add(r * vocab + token);
                }
            }
        }
        if (flat.isEmpty()) {
            return logProbabilities;
        }
        NDManager manager = logProbabilities.getManager();
        NDArray index = manager.create(flat.stream().mapToLong(Long::longValue).toArray());
        NDArray minusInf =
                manager.full(new Shape(flat.size()), Float.NEGATIVE_INFINITY, logProbabilities.getDataType());
        // (R, V) -> (R V) -> (R, V)
        return logProbabilities.reshape(-1).put(index, minusInf).reshape(shape);
    }

    /** The tokens that would repeat an n-gram of {@code tokens} if they came next. */
    static Set<Integer> bannedNext(int[] tokens, int n) {
        Set<Integer> banned = new HashSet<>();
        int prefix = n - 1;
        if (tokens.length < prefix) {
            return banned;
        }
        Map<String, Set<Integer>> followers = new HashMap<>();
        for (int start = 0; start + n <= tokens.length; start++) {
            followers.computeIfAbsent(key(tokens, start, prefix), k -> new HashSet<>()).add(tokens[start + prefix]);
        }
        Set<Integer> hit = followers.get(key(tokens, tokens.length - prefix, prefix));
        if (hit != null) {
            banned.addAll(hit);
        }
        return banned;
    }

    private static String key(int[] tokens, int start, int length) {
        StringBuilder key = new StringBuilder();
        for (int i = start; i < start + length; i++) {
            key.append(tokens[i]).append(',');
        }
        return key.toString();
    }

    /**
     * One output position of a hypothesis, linked to its predecessor (fairseq's back-pointers), so
     * beams that share a prefix share its nodes and a reorder copies nothing.
     *
     * @param token the id at this position
     * @param attention the weights over the source that produced it, or null
     * @param parent the previous position, null for the first
     */
    record Node(int token, float[] attention, Node parent, int length) {

        static Node append(Node parent, int token, float[] attention) {
            return new Node(token, attention, parent, parent == null ? 1 : parent.length + 1);
        }

        static int[] tokens(Node last) {
            int[] tokens = new int[last == null ? 0 : last.length];
            for (Node node = last; node != null; node = node.parent) {
                tokens[node.length - 1] = node.token;
            }
            return tokens;
        }

        /** (length + 1, S): this path's weights, then {@code last}'s (those of eos). */
        static float[][] alignment(Node path, float[] last) {
            int length = path == null ? 0 : path.length;
            float[][] rows = new float[length + 1][];
            rows[length] = last;
            for (Node node = path; node != null; node = node.parent) {
                rows[node.length - 1] = node.attention;
            }
            return rows;
        }
    }

    /**
     * Row {@code row} of a (R, S) array read to the host as one flat array, cut to the sentence's
     * {@code real} source tokens (the weights on padding are 0), so it does not depend on the batch.
     */
    static float[] row(float[] flat, int row, int width, int real) {
        float[] out = new float[real];
        System.arraycopy(flat, row * width, out, 0, real);
        return out;
    }
}
