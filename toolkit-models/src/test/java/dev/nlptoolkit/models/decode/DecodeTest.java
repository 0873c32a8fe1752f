package dev.nlptoolkit.models.decode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.seq2seq.AttentionScore;
import dev.nlptoolkit.models.seq2seq.LstmAttentionSeq2Seq;
import dev.nlptoolkit.models.seq2seq.PositionEncoding;
import dev.nlptoolkit.models.seq2seq.Seq2SeqConfig;
import dev.nlptoolkit.models.seq2seq.Seq2SeqInput;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModels;
import dev.nlptoolkit.models.seq2seq.TransformerSeq2Seq;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Greedy and beam search over untrained tiny models (a vocabulary of 11, so eos is often the best
 * token and sentences end at different steps): incremental decoding against re-decoding the whole
 * prefix, beam 1 against greedy, a batch against one sentence at a time, beam search against
 * exhaustive search, and the options (length limit, n-gram blocking, nbest, alignments).
 */
class DecodeTest {

    private static final int SEED = 43;
    private static final int VOCAB = 11;
    private static final int PAD = 0;
    private static final int BOS = 2;
    private static final int EOS = 3;
    private static final double SCORE_TOLERANCE = 1e-4;
    /** Scores closer than this are ties, whose order may differ between a batch and single sentences. */
    private static final double TIE = 1e-5;

    private NDManager manager;
    private ParameterStore ps;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(SEED);
        manager = NDManager.newBaseManager();
        ps = new ParameterStore(manager, false);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static Stream<Seq2SeqConfig> configs() {
        return Stream.of(
                new LstmAttentionSeq2Seq.Config(VOCAB, VOCAB, 6, 5, 7, 1, AttentionScore.GENERAL, 1, 0.1f, PAD),
                new TransformerSeq2Seq.Config(VOCAB, VOCAB, 12, 3, 10, 2, 2, 0.1f, Activation.RELU,
                        NormPlacement.PRE, PositionEncoding.SINUSOIDAL, 16, false, false, true, PAD));
    }

    private static DecodeOptions options() {
        return DecodeOptions.defaults().withSpecialIds(BOS, EOS, PAD).withMaxLength(1.5f, 4);
    }

    /** Four sources of lengths 5, 3, 1, 4. */
    private NDArray sources() {
        return manager.create(new long[][] {{5, 6, 7, 8, 9}, {10, 4, 6, 0, 0}, {7, 0, 0, 0, 0}, {9, 9, 4, 5, 0}});
    }

    private Seq2SeqModel model(Seq2SeqConfig config) {
        return Seq2SeqModels.createInitialized(config, manager);
    }

    /**
     * Greedy by re-running the teacher-forced decoder over the whole prefix at every step, for the
     * sentences still going (their prefixes are equally long, so no target padding is needed).
     */
    private List<Hypothesis> fullPrefixGreedy(Seq2SeqModel model, NDArray sources, DecodeOptions options) {
        int batch = (int) sources.getShape().get(0);
        List<List<Integer>> outputs = new ArrayList<>();
        double[] logProbability = new double[batch];
        List<Integer> active = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            outputs.add(new ArrayList<>());
            active.add(b);
        }
        for (int t = 0; !active.isEmpty(); t++) {
            List<Integer> still = new ArrayList<>();
            try (NDManager step = manager.newSubManager()) {
                long[][] prefixes = new long[active.size()][t + 1];
                for (int r = 0; r < active.size(); r++) {
                    prefixes[r][0] = BOS;
                    for (int i = 0; i < t; i++) {
                        prefixes[r][i + 1] = outputs.get(active.get(r)).get(i);
                    }
                }
                NDArray target = step.create(prefixes);
                NDArray source = sources.get(step.create(active.stream().mapToLong(Integer::longValue).toArray()));
                NDArray logits = model.logits(ps, new Seq2SeqInput(source, source.neq(PAD), target, target.neq(-1)),
                        false);
                float[] last = logits.get(new NDIndex(":, {}", t)).logSoftmax(-1).toFloatArray();
                for (int r = 0; r < active.size(); r++) {
                    int sentence = active.get(r);
                    float[] lp = Arrays.copyOfRange(last, r * VOCAB, (r + 1) * VOCAB);
                    lp[PAD] = Float.NEGATIVE_INFINITY;
                    lp[BOS] = Float.NEGATIVE_INFINITY;
                    int limit = options.maxLength(realLength(sources.get(sentence)));
                    int token = t >= limit ? EOS : argMax(lp);
                    logProbability[sentence] += lp[token];
                    if (token != EOS) {
                        outputs.get(sentence).add(token);
                        still.add(sentence);
                    }
                }
            }
            active = still;
        }
        List<Hypothesis> hypotheses = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            hypotheses.add(new Hypothesis(outputs.get(b).stream().mapToInt(Integer::intValue).toArray(), 0,
                    logProbability[b], null));
        }
        return hypotheses;
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static int realLength(NDArray row) {
        return (int) row.neq(PAD).sum().getLong();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void incrementalGreedyEqualsReDecodingTheWholePrefix(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        DecodeOptions greedy = options().withBeam(1);
        List<List<Hypothesis>> decoded = new GreedyDecoder(model, greedy).decode(ps, sources, sources.neq(PAD));
        List<Hypothesis> reference = fullPrefixGreedy(model, sources, greedy);
        Set<Integer> lengths = new HashSet<>();
        for (int b = 0; b < decoded.size(); b++) {
            Hypothesis expected = reference.get(b);
            Hypothesis actual = decoded.get(b).get(0);
            assertArrayEquals(expected.tokens(), actual.tokens(), config.modelType() + " sentence " + b);
            assertEquals(expected.logProbability(), actual.logProbability(), SCORE_TOLERANCE);
            assertEquals(actual.logProbability() / greedy.lengthDivisor(actual.length() + 1), actual.score(), 1e-9);
            lengths.add(actual.length());
        }
        assertTrue(lengths.size() > 1, "sentences should finish at different steps, got lengths " + lengths);
    }

    /** Without a cache every step re-decodes the whole prefix: the same outputs and scores, greedy and beam. */
    @ParameterizedTest
    @MethodSource("configs")
    void reDecodingWithoutACacheGivesWhatTheCacheGives(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        for (DecodeOptions cached : List.of(options().withBeam(1), options().withBeam(3).withNbest(3))) {
            DecodeOptions uncached = cached.withIncremental(false);
            List<List<Hypothesis>> expected = SequenceDecoder.of(model, cached).decode(ps, sources, sources.neq(PAD));
            List<List<Hypothesis>> actual = SequenceDecoder.of(model, uncached).decode(ps, sources, sources.neq(PAD));
            Set<Integer> lengths = new HashSet<>();
            for (int b = 0; b < expected.size(); b++) {
                assertEquals(expected.get(b).size(), actual.get(b).size());
                for (int j = 0; j < expected.get(b).size(); j++) {
                    String where = config.modelType() + " beam " + cached.beam() + " sentence " + b + " rank " + j;
                    assertEquals(expected.get(b).get(j).score(), actual.get(b).get(j).score(), SCORE_TOLERANCE, where);
                    if (!tiedWithANeighbour(expected.get(b), j)) {
                        assertArrayEquals(expected.get(b).get(j).tokens(), actual.get(b).get(j).tokens(), where);
                    }
                    lengths.add(actual.get(b).get(j).length());
                }
            }
            assertTrue(lengths.size() > 1, "outputs should end at different steps (rows leave the batch), got "
                    + lengths);
        }
    }

    /**
     * A minimum length bans eos until then, so minimum = maximum fixes the number of steps; where a
     * sentence's length limit is shorter, the limit wins and eos is forced there with its probability.
     * Untrained, the Transformer's beam search ends outputs early (the greedy outputs here run to their
     * limits), which the minimum must prevent.
     */
    @Test
    void aMinimumLengthBansEosUntilThenAndTheLimitWins() {
        int early = 0;
        for (Seq2SeqConfig config : configs().toList()) {
            Seq2SeqModel model = model(config);
            NDArray sources = sources();
            // limits floor(1.5 S + 4) = 11, 8, 5, 10 for sources of 5, 3, 1, 4 tokens: 5 is below the minimum
            for (DecodeOptions free : List.of(options().withBeam(1), options().withBeam(4))) {
                List<List<Hypothesis>> unconstrained = SequenceDecoder.of(model, free).decode(ps, sources,
                        sources.neq(PAD));
                for (int b = 0; b < unconstrained.size(); b++) {
                    early += unconstrained.get(b).get(0).length() < free.maxLength(realLength(sources.get(b))) ? 1 : 0;
                }
                DecodeOptions atLeast = free.withMinLength(9);
                for (DecodeOptions fixed : List.of(atLeast, atLeast.withIncremental(false),
                        free.withMaxLength(0, 7).withMinLength(7))) {
                    List<List<Hypothesis>> decoded = SequenceDecoder.of(model, fixed).decode(ps, sources,
                            sources.neq(PAD));
                    for (int b = 0; b < decoded.size(); b++) {
                        int limit = fixed.maxLength(realLength(sources.get(b)));
                        Hypothesis h = decoded.get(b).get(0);
                        String where = config.modelType() + " beam " + fixed.beam() + " sentence " + b + ": "
                                + Arrays.toString(h.tokens());
                        assertTrue(h.length() >= Math.min(fixed.minLength(), limit) && h.length() <= limit, where);
                        assertTrue(Arrays.stream(h.tokens()).noneMatch(t -> t == EOS || t == PAD || t == BOS), where);
                        assertTrue(Double.isFinite(h.logProbability()), where + ": eos at the limit has a probability");
                    }
                }
            }
        }
        assertTrue(early > 0, "some output should end before its limit without a minimum, or this test shows nothing");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void beamOneEqualsGreedy(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        DecodeOptions one = options().withBeam(1).withNoRepeatNgram(2);
        List<List<Hypothesis>> greedy = new GreedyDecoder(model, one).decode(ps, sources, sources.neq(PAD));
        List<List<Hypothesis>> beam = new BeamSearch(model, one).decode(ps, sources, sources.neq(PAD));
        for (int b = 0; b < greedy.size(); b++) {
            assertArrayEquals(greedy.get(b).get(0).tokens(), beam.get(b).get(0).tokens(), "sentence " + b);
            assertEquals(greedy.get(b).get(0).score(), beam.get(b).get(0).score(), 1e-6);
        }
    }

    /**
     * A batch of N gives what N batches of 1 give. The batched kernels may round differently in the
     * last bits, so two hypotheses whose scores are within {@value #TIE} (a tie) may swap places; any
     * other difference fails.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void aBatchOfNEqualsNBatchesOfOne(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        DecodeOptions beam = options().withBeam(3).withNbest(3).withAlignment(true);
        for (SequenceDecoder decoder : List.of(new BeamSearch(model, beam), new GreedyDecoder(model, beam))) {
            List<List<Hypothesis>> batched = decoder.decode(ps, sources, sources.neq(PAD));
            for (int b = 0; b < batched.size(); b++) {
                NDArray source = sources.get(new NDIndex("{}:{}", b, b + 1));
                List<Hypothesis> alone = decoder.decode(ps, source, source.neq(PAD)).get(0);
                List<Hypothesis> together = batched.get(b);
                assertEquals(alone.size(), together.size());
                for (int j = 0; j < alone.size(); j++) {
                    String where = "sentence " + b + " rank " + j;
                    assertEquals(alone.get(j).score(), together.get(j).score(), TIE, where);
                    if (!tiedWithANeighbour(alone, j)) {
                        assertArrayEquals(alone.get(j).tokens(), together.get(j).tokens(), where);
                        for (int t = 0; t < alone.get(j).alignment().length; t++) {
                            assertArrayEquals(alone.get(j).alignment()[t], together.get(j).alignment()[t], 1e-5f,
                                    where + " alignment " + t);
                        }
                    }
                }
            }
        }
    }

    private static boolean tiedWithANeighbour(List<Hypothesis> ranked, int j) {
        double score = ranked.get(j).score();
        return (j > 0 && Math.abs(score - ranked.get(j - 1).score()) <= TIE)
                || (j + 1 < ranked.size() && Math.abs(score - ranked.get(j + 1).score()) <= TIE);
    }

    /** With a beam wider than every prefix, beam search is exhaustive: it finds every output and ranks them. */
    @ParameterizedTest
    @MethodSource("configs")
    void aBeamWiderThanThePrefixesFindsEveryOutputInOrder(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray source = manager.create(new long[][] {{5, 6, 7}});
        // at most 2 tokens from the 8 that are neither pad, bos nor eos: 1 + 8 + 64 outputs
        int beam = 80;
        DecodeOptions wide = options().withMaxLength(0, 2).withBeam(beam).withNbest(beam);
        List<Hypothesis> found = new BeamSearch(model, wide).decode(ps, source, source.neq(PAD)).get(0);

        List<int[]> outputs = new ArrayList<>();
        outputs.add(new int[0]);
        List<Integer> words = new ArrayList<>();
        for (int w = 0; w < VOCAB; w++) {
            if (w != PAD && w != BOS && w != EOS) {
                words.add(w);
            }
        }
        for (int a : words) {
            outputs.add(new int[] {a});
            for (int b : words) {
                outputs.add(new int[] {a, b});
            }
        }
        double[] logProbabilities = logProbabilities(model, source, outputs, wide);
        List<Hypothesis> exhaustive = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            exhaustive.add(new Hypothesis(outputs.get(i), 0, logProbabilities[i], null));
        }
        List<Hypothesis> ranked = exhaustive.stream()
                .map(h -> new Hypothesis(h.tokens(), h.logProbability() / wide.lengthDivisor(h.length() + 1),
                        h.logProbability(), null))
                .sorted(Comparator.comparingDouble(Hypothesis::score).reversed()).toList();
        assertEquals(outputs.size(), found.size());
        for (int i = 0; i < ranked.size(); i++) {
            assertEquals(ranked.get(i).score(), found.get(i).score(), SCORE_TOLERANCE, "rank " + i);
            if (!tiedWithANeighbour(ranked, i)) {
                assertArrayEquals(ranked.get(i).tokens(), found.get(i).tokens(), "rank " + i);
            }
        }
    }

    /**
     * log P(output, eos | source) of each output by teacher forcing, in one padded batch. Banned tokens
     * keep their probability mass, as in the searches, which ban without renormalising.
     */
    private double[] logProbabilities(Seq2SeqModel model, NDArray source, List<int[]> outputs, DecodeOptions options) {
        int longest = outputs.stream().mapToInt(o -> o.length).max().orElse(0);
        long[][] inputs = new long[outputs.size()][longest + 1];
        for (int i = 0; i < outputs.size(); i++) {
            inputs[i][0] = BOS;
            for (int t = 0; t < outputs.get(i).length; t++) {
                inputs[i][t + 1] = outputs.get(i)[t];
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray target = scope.create(inputs);
            NDArray sources = source.repeat(0, outputs.size());
            // (N, T, V) -> flat, read once
            NDArray logits = model.logits(ps, new Seq2SeqInput(sources, sources.neq(PAD), target, target.neq(PAD)),
                    false);
            float[] lp = logits.logSoftmax(-1).toFloatArray();
            double[] sums = new double[outputs.size()];
            for (int i = 0; i < outputs.size(); i++) {
                int[] output = outputs.get(i);
                for (int t = 0; t <= output.length; t++) {
                    int token = t < output.length ? output[t] : options.eosId();
                    sums[i] += lp[(i * (longest + 1) + t) * VOCAB + token];
                }
            }
            return sums;
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void noRepeatNgramNeverRepeats(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        DecodeOptions longOutputs = options().withMaxLength(0, 24).withBeam(3).withNbest(3);
        assertTrue(anyRepeat(new GreedyDecoder(model, longOutputs).decode(ps, sources, sources.neq(PAD)), 2),
                "without blocking some long output should repeat a bigram, or this test shows nothing");
        DecodeOptions blocked = longOutputs.withNoRepeatNgram(2);
        assertFalse(anyRepeat(new BeamSearch(model, blocked).decode(ps, sources, sources.neq(PAD)), 2));
        assertFalse(anyRepeat(new GreedyDecoder(model, blocked).decode(ps, sources, sources.neq(PAD)), 2));
        DecodeOptions unigrams = longOutputs.withNoRepeatNgram(1);
        assertFalse(anyRepeat(new BeamSearch(model, unigrams).decode(ps, sources, sources.neq(PAD)), 1));
    }

    private static boolean anyRepeat(List<List<Hypothesis>> decoded, int n) {
        for (List<Hypothesis> sentence : decoded) {
            for (Hypothesis h : sentence) {
                Set<String> seen = new HashSet<>();
                for (int i = 0; i + n <= h.length(); i++) {
                    if (!seen.add(Arrays.toString(Arrays.copyOfRange(h.tokens(), i, i + n)))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void outputsStopAtTheLengthLimit(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        // floor(0.5 S + 1): 3, 2, 1, 3 for sources of 5, 3, 1, 4 tokens
        DecodeOptions short1 = options().withMaxLength(0.5f, 1).withBeam(3).withNbest(3);
        int[] limits = {3, 2, 1, 3};
        int longest = 0;
        for (SequenceDecoder decoder : List.of(new BeamSearch(model, short1), new GreedyDecoder(model, short1))) {
            List<List<Hypothesis>> decoded = decoder.decode(ps, sources, sources.neq(PAD));
            for (int b = 0; b < limits.length; b++) {
                for (Hypothesis h : decoded.get(b)) {
                    assertTrue(h.length() <= limits[b], "sentence " + b + ": " + Arrays.toString(h.tokens()));
                    assertTrue(Arrays.stream(h.tokens()).noneMatch(t -> t == PAD || t == BOS || t == EOS));
                    longest = Math.max(longest, h.length() - limits[b] + 3);
                }
            }
        }
        assertEquals(3, longest, "some hypothesis should reach its limit");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void nbestHypothesesAreDistinctAndBestFirstWithTheirAlignments(Seq2SeqConfig config) {
        Seq2SeqModel model = model(config);
        NDArray sources = sources();
        DecodeOptions nbest = options().withBeam(4).withNbest(3).withAlignment(true);
        List<List<Hypothesis>> decoded = new BeamSearch(model, nbest).decode(ps, sources, sources.neq(PAD));
        for (int b = 0; b < decoded.size(); b++) {
            List<Hypothesis> sentence = decoded.get(b);
            assertEquals(3, sentence.size());
            Set<String> distinct = new HashSet<>();
            int real = realLength(sources.get(b));
            for (int j = 0; j < sentence.size(); j++) {
                Hypothesis h = sentence.get(j);
                assertTrue(distinct.add(Arrays.toString(h.tokens())), "duplicate hypothesis");
                if (j > 0) {
                    assertTrue(sentence.get(j - 1).score() >= h.score());
                }
                assertEquals(h.length() + 1, h.alignment().length, "one row per token and eos");
                for (float[] row : h.alignment()) {
                    assertEquals(real, row.length, "one weight per real source token");
                    double sum = 0;
                    for (float weight : row) {
                        sum += weight;
                    }
                    // the weights on padding were 0: the real tokens hold all of it
                    assertEquals(1, sum, 1e-5);
                }
            }
        }
    }

    @Test
    void greedyAndBeamSearchLeaveNoArraysBehind() {
        for (Seq2SeqConfig config : configs().toList()) {
            Seq2SeqModel model = model(config);
            try (NDManager caller = NDManager.newBaseManager()) {
                NDArray sources = caller.create(new long[][] {{5, 6, 7, 8}, {10, 4, 0, 0}});
                NDArray mask = sources.neq(PAD);
                int modelArrays = manager.getManagedArrays().size();
                int callerArrays = caller.getManagedArrays().size();
                DecodeOptions opts = options().withNoRepeatNgram(2).withAlignment(true);
                new BeamSearch(model, opts).decode(ps, sources, mask);
                new GreedyDecoder(model, opts).decode(ps, sources, mask);
                DecodeOptions uncached = opts.withAlignment(false).withIncremental(false);
                new BeamSearch(model, uncached).decode(ps, sources, mask);
                new GreedyDecoder(model, uncached).decode(ps, sources, mask);
                assertEquals(modelArrays, manager.getManagedArrays().size(), config.modelType() + " model manager");
                assertEquals(callerArrays, caller.getManagedArrays().size(), config.modelType() + " caller manager");
            }
        }
    }

    @Test
    void optionsSayWhatIsWrong() {
        DecodeOptions defaults = DecodeOptions.defaults();
        assertEquals(4, defaults.beam());
        assertEquals(2.0, DecodeOptions.defaults().withLengthPenalty(1).lengthDivisor(7), 1e-12);
        assertEquals(1.0, DecodeOptions.defaults().withLengthPenalty(0).lengthDivisor(7), 1e-12);
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> defaults.withNbest(5)).getMessage().contains("beam"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> defaults.withMaxLength(0, 0)).getMessage().contains("max length"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> defaults.withMinLength(-1)).getMessage().contains("min length"));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> defaults.withAlignment(true).withIncremental(false)).getMessage().contains("incrementally"));
    }
}
