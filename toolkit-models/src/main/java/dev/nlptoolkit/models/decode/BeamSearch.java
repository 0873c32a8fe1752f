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
import java.util.Comparator;
import java.util.List;

/**
 * Batched beam search as fairseq's {@code SequenceGenerator} runs it: K live beams per sentence; at
 * each step the 2K best continuations over all beams, so that K remain after those ending in eos;
 * an eos among the top K candidates finalises that hypothesis, kept apart from the live beams; a
 * sentence is done when K hypotheses are final (or at its length limit, where eos is forced), and
 * leaves the batch. Hypotheses are ranked by log P / ((5 + |Y|) / 6)^alpha (Wu et al. 2016). The
 * encoder runs once; the decoder cache is expanded to K rows per sentence and reordered each step.
 */
public final class BeamSearch implements SequenceDecoder {

    /** Candidates drawn per sentence and step, in beams: enough that K survive even if K end in eos. */
    private static final int CANDIDATES_PER_BEAM = 2;

    private final Seq2SeqModel model;
    private final DecodeOptions options;

    public BeamSearch(Seq2SeqModel model, DecodeOptions options) {
        this.model = model;
        this.options = options;
    }

    /** A live beam: its path and cumulative log-probability. */
    private record Beam(Search.Node path, double logProbability) {}

    /** A sentence still being searched. */
    private static final class Sentence {
        final int index;
        final int limit;
        final int sourceLength;
        final List<Hypothesis> finished = new ArrayList<>();
        List<Beam> beams;

        Sentence(int index, int limit, int sourceLength, List<Beam> beams) {
            this.index = index;
            this.limit = limit;
            this.sourceLength = sourceLength;
            this.beams = beams;
        }
    }

    @Override
    public List<List<Hypothesis>> decode(ParameterStore ps, NDArray sourceIds, NDArray sourceMask) {
        int batch = (int) sourceIds.getShape().get(0);
        int k = options.beam();
        List<List<Hypothesis>> results = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            results.add(null);
        }
        try (NDManager scope = sourceIds.getManager().newSubManager()) {
            scope.tempAttachAll(new NDList(sourceIds, sourceMask));
            long[] sourceLengths = Search.sourceLengths(sourceMask);
            int[] limits = Search.maxLengths(sourceLengths, options, model);
            EncoderOutput encoded = model.encode(ps, sourceIds, sourceMask, false);
            long vocab = model.config().targetVocabSize();
            int sourceWidth = (int) encoded.sourceLength();
            Search.Bans bans = Search.bans(scope, vocab, options);
            try (DecoderCache cache = Search.start(model, ps, encoded,
                    Arrays.stream(limits).max().orElse(0) + 1, options)) {
                List<Sentence> active = new ArrayList<>();
                long[] expand = new long[batch * k];
                for (int b = 0; b < batch; b++) {
                    List<Beam> beams = new ArrayList<>();
                    // only the first beam is live at the start, so the K first candidates differ
                    for (int j = 0; j < k; j++) {
                        beams.add(new Beam(null, j == 0 ? 0 : Double.NEGATIVE_INFINITY));
                        expand[b * k + j] = b;
                    }
                    active.add(new Sentence(b, limits[b], (int) sourceLengths[b], beams));
                }
                reorder(cache, scope, expand);
                for (int t = 0; !active.isEmpty(); t++) {
                    int rows = active.size() * k;
                    int candidates = Math.min(CANDIDATES_PER_BEAM * k, (int) (k * vocab));
                    float[] topValues;
                    long[] topIndices;
                    float[] eosLogProbability;
                    float[] attention = null;
                    try (NDManager step = scope.newSubManager()) {
                        long[] last = new long[rows];
                        double[] scores = new double[rows];
                        List<Search.Node> paths = new ArrayList<>();
                        for (int s = 0; s < active.size(); s++) {
                            for (int j = 0; j < k; j++) {
                                Beam beam = active.get(s).beams.get(j);
                                last[s * k + j] = beam.path() == null ? options.bosId() : beam.path().token();
                                scores[s * k + j] = beam.logProbability();
                                paths.add(beam.path());
                            }
                        }
                        NDArray logits = Search.step(model, ps, cache, step.create(last));
                        NDArray unbanned = logits.logSoftmax(Search.VOCAB_AXIS);
                        NDArray logProbabilities = Search.banRepeats(unbanned.add(bans.at(t)), paths, options);
                        // read before the bans: a length limit below the minimum length still forces eos
                        eosLogProbability = unbanned.get(":, {}", options.eosId()).toFloatArray();
                        // (R, V) + (R, 1) -> (B', K V): every continuation of every beam of a sentence
                        NDArray total = logProbabilities.add(step.create(toFloats(scores)).reshape(rows, 1))
                                .reshape(active.size(), k * vocab);
                        NDList top = total.topK(candidates, Search.VOCAB_AXIS, true, true);
                        topValues = top.get(0).toFloatArray();
                        topIndices = top.get(1).toLongArray();
                        if (options.alignment()) {
                            attention = cache.lastAttention().toFloatArray();
                        }
                    }
                    List<Sentence> stillActive = new ArrayList<>();
                    List<Long> order = new ArrayList<>();
                    for (int s = 0; s < active.size(); s++) {
                        Sentence sentence = active.get(s);
                        if (t >= sentence.limit) {
                            // at the length limit eos is forced, as fairseq does at max_len
                            for (int j = 0; j < k; j++) {
                                Beam beam = sentence.beams.get(j);
                                int row = s * k + j;
                                if (beam.logProbability() > Double.NEGATIVE_INFINITY) {
                                    finish(sentence, beam.path(), beam.logProbability() + eosLogProbability[row],
                                            attention == null
                                                    ? null
                                                    : Search.row(attention, row, sourceWidth, sentence.sourceLength));
                                }
                            }
                        } else {
                            List<Beam> next = new ArrayList<>();
                            List<Long> parents = new ArrayList<>();
                            for (int c = 0; c < candidates && next.size() < k; c++) {
                                double score = topValues[s * candidates + c];
                                if (score == Double.NEGATIVE_INFINITY) {
                                    break;
                                }
                                long index = topIndices[s * candidates + c];
                                int parent = (int) (index / vocab);
                                int token = (int) (index % vocab);
                                int row = s * k + parent;
                                float[] weights = attention == null
                                        ? null
                                        : Search.row(attention, row, sourceWidth, sentence.sourceLength);
                                Search.Node path = sentence.beams.get(parent).path();
                                if (token == options.eosId()) {
                                    // fairseq finalises eos only among the top K; lower ones are dropped
                                    if (c < k) {
                                        finish(sentence, path, score, weights);
                                    }
                                } else {
                                    next.add(new Beam(Search.Node.append(path, token, weights), score));
                                    parents.add((long) row);
                                }
                            }
                            if (sentence.finished.size() < k && !next.isEmpty()) {
                                // dead beams keep the batch rectangular; their -inf never wins
                                while (next.size() < k) {
                                    next.add(new Beam(next.get(0).path(), Double.NEGATIVE_INFINITY));
                                    parents.add(parents.get(0));
                                }
                                sentence.beams = next;
                                stillActive.add(sentence);
                                parents.forEach(row -> order.add(row));
                                continue;
                            }
                        }
                        results.set(sentence.index, best(sentence.finished));
                    }
                    if (!stillActive.isEmpty()) {
                        reorder(cache, scope, order.stream().mapToLong(Long::longValue).toArray());
                    }
                    active = stillActive;
                }
            }
        }
        return results;
    }

    private void finish(Sentence sentence, Search.Node path, double logProbability, float[] lastWeights) {
        int[] tokens = Search.Node.tokens(path);
        sentence.finished.add(new Hypothesis(tokens, logProbability / options.lengthDivisor(tokens.length + 1),
                logProbability, lastWeights == null ? null : Search.Node.alignment(path, lastWeights)));
    }

    /** The nbest final hypotheses, best score first. */
    private List<Hypothesis> best(List<Hypothesis> finished) {
        return finished.stream().sorted(Comparator.comparingDouble(Hypothesis::score).reversed())
                .limit(options.nbest()).toList();
    }

    /** Reorders the cache to {@code order}, unless that keeps every row where it is. */
    private static void reorder(DecoderCache cache, NDManager scope, long[] order) {
        boolean identity = order.length == cache.batchSize();
        for (int i = 0; identity && i < order.length; i++) {
            identity = order[i] == i;
        }
        if (identity) {
            return;
        }
        try (NDManager indices = scope.newSubManager()) {
            cache.reorder(indices.create(order));
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
