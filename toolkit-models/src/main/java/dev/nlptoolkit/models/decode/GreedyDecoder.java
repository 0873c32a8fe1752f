package dev.nlptoolkit.models.decode;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.seq2seq.DecoderCache;
import dev.nlptoolkit.models.seq2seq.EncoderOutput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched greedy decoding: each sentence takes its most probable next token until eos or its length
 * limit; sentences that finish leave the batch (the cache is reordered to the rest). Honours the
 * banned tokens and n-gram blocking of {@link DecodeOptions}; returns one hypothesis per sentence,
 * scored as {@link BeamSearch} scores, so that beam 1 equals greedy.
 */
public final class GreedyDecoder implements SequenceDecoder {

    private final Seq2SeqModel model;
    private final DecodeOptions options;

    public GreedyDecoder(Seq2SeqModel model, DecodeOptions options) {
        this.model = model;
        this.options = options;
    }

    @Override
    public List<List<Hypothesis>> decode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask) {
        int batch = (int) sourceIds.getShape().get(0);
        Hypothesis[] results = new Hypothesis[batch];
        try (NDManager scope = sourceIds.getManager().newSubManager()) {
            scope.tempAttachAll(new NDList(sourceIds, sourceMask));
            long[] sourceLengths = Search.sourceLengths(sourceMask);
            int[] limits = Search.maxLengths(sourceLengths, options, model);
            EncoderOutput encoded = model.encode(ps, sourceIds, sourceMask, false);
            int capacity = Arrays.stream(limits).max().orElse(0) + 1;
            Search.Bans bans = Search.bans(scope, model.config().targetVocabSize(), options);
            try (DecoderCache cache = Search.start(model, ps, encoded, capacity, options)) {
                List<Integer> active = new ArrayList<>();
                List<Search.Node> paths = new ArrayList<>();
                double[] logProbability = new double[batch];
                for (int b = 0; b < batch; b++) {
                    active.add(b);
                    paths.add(null);
                }
                for (int t = 0; !active.isEmpty(); t++) {
                    int rows = active.size();
                    int[] next = new int[rows];
                    float[] nextLogProbability = new float[rows];
                    float[] eosLogProbability = null;
                    float[] attention = null;
                    long sourceWidth = encoded.sourceLength();
                    try (NDManager step = scope.newSubManager()) {
                        long[] last = new long[rows];
                        for (int r = 0; r < rows; r++) {
                            Search.Node path = paths.get(r);
                            last[r] = path == null ? options.bosId() : path.token();
                        }
                        NDArray logits = Search.step(model, ps, cache, step.create(last));
                        NDArray unbanned = logits.logSoftmax(Search.VOCAB_AXIS);
                        NDArray logProbabilities = Search.banRepeats(unbanned.add(bans.at(t)), paths, options);
                        // (R, V) -> (R): argmax and its log-probability
                        NDArray best = logProbabilities.argMax(Search.VOCAB_AXIS);
                        long[] bestIds = best.toLongArray();
                        float[] bestValues = logProbabilities.gather(best.expandDims(1), 1).squeeze(1).toFloatArray();
                        // read before the bans: a length limit below the minimum length still forces eos;
                        // only at steps where some row reaches its limit (one read to the host fewer a step)
                        if (reachesLimit(active, limits, t)) {
                            eosLogProbability = unbanned.get(":, {}", options.eosId()).toFloatArray();
                        }
                        for (int r = 0; r < rows; r++) {
                            next[r] = (int) bestIds[r];
                            nextLogProbability[r] = bestValues[r];
                        }
                        if (options.alignment()) {
                            attention = cache.lastAttention().toFloatArray();
                        }
                    }
                    List<Integer> keep = new ArrayList<>();
                    List<Integer> stillActive = new ArrayList<>();
                    List<Search.Node> stillPaths = new ArrayList<>();
                    for (int r = 0; r < rows; r++) {
                        int sentence = active.get(r);
                        float[] weights = attention == null
                                ? null
                                : Search.row(attention, r, (int) sourceWidth, (int) sourceLengths[sentence]);
                        // at the length limit eos is forced, as fairseq does at max_len
                        boolean forced = t >= limits[sentence];
                        int token = forced ? options.eosId() : next[r];
                        logProbability[sentence] += forced ? eosLogProbability[r] : nextLogProbability[r];
                        if (token == options.eosId()) {
                            int[] tokens = Search.Node.tokens(paths.get(r));
                            results[sentence] = new Hypothesis(tokens,
                                    logProbability[sentence] / options.lengthDivisor(tokens.length + 1),
                                    logProbability[sentence],
                                    weights == null ? null : Search.Node.alignment(paths.get(r), weights));
                        } else {
                            keep.add(r);
                            stillActive.add(sentence);
                            stillPaths.add(Search.Node.append(paths.get(r), token, weights));
                        }
                    }
                    if (!stillActive.isEmpty() && keep.size() < rows) {
                        try (NDManager reorder = scope.newSubManager()) {
                            cache.reorder(reorder.create(keep.stream().mapToLong(Integer::longValue).toArray()));
                        }
                    }
                    active = stillActive;
                    paths = stillPaths;
                }
            }
        }
        List<List<Hypothesis>> out = new ArrayList<>();
        for (Hypothesis h : results) {
            out.add(List.of(h));
        }
        return out;
    }

    /** Whether a sentence of {@code active} is at its length limit at step {@code t}, where eos is forced. */
    private static boolean reachesLimit(List<Integer> active, int[] limits, int t) {
        for (int sentence : active) {
            if (t >= limits[sentence]) {
                return true;
            }
        }
        return false;
    }
}
