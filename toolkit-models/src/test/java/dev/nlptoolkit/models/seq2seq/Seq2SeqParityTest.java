package dev.nlptoolkit.models.seq2seq;

import static dev.nlptoolkit.models.attention.Blocks.readFixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Both translation models against PyTorch modules with the same weights (test-fixtures/seq2seq, made
 * by tools/fixtures/make_seq2seq_fixtures.py; see its meta.json): teacher-forced logits for a batch
 * of 3 with padded sources (lengths 5, 3, 1) and targets (4, 2, 3) within 1e-5, and the label-smoothed
 * masked loss against {@code F.cross_entropy(label_smoothing=0.1, ignore_index=pad)}: within 1e-6 on
 * torch's logits, within 1e-5 on ours.
 * Weights load strictly by name, so the parameter names are checked too.
 */
class Seq2SeqParityTest {

    private static final String FILE = "seq2seq/seq2seq.safetensors";
    private static final float LOGIT_TOLERANCE = 1e-5f;
    /** The loss function on torch's own logits. */
    private static final double LOSS_TOLERANCE = 1e-6;
    /** The loss of our logits, which carry their own (<= 1e-5) differences into it. */
    private static final double END_TO_END_LOSS_TOLERANCE = 1e-5;
    private static final int SOURCE_VOCAB = 13;
    private static final int TARGET_VOCAB = 11;
    private static final int PAD = 0;
    /** Dropout is set but must not act in inference mode. */
    private static final float DROPOUT = 0.3f;
    private static final int EMBED = 12;
    private static final int HEADS = 3;
    private static final int FEED_FORWARD = 10;
    private static final int LAYERS = 2;
    private static final int MAX_POSITIONS = 16;

    private static NDManager manager;
    private static Map<String, NDArray> fixture;
    private static ParameterStore ps;

    @BeforeAll
    static void load() throws Exception {
        manager = NDManager.newBaseManager();
        fixture = readFixture(FILE, manager);
        ps = new ParameterStore(manager, false);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("lstm_general", lstm(7, 2, AttentionScore.GENERAL, 1)),
                Arguments.of("lstm_additive", lstm(7, 1, AttentionScore.ADDITIVE, 9)),
                Arguments.of("lstm_dot", lstm(10, 1, AttentionScore.DOT, 1)),
                Arguments.of("transformer_post_sinusoidal", transformer(TARGET_VOCAB, Activation.RELU,
                        NormPlacement.POST, PositionEncoding.SINUSOIDAL, false, false, true)),
                Arguments.of("transformer_pre_learned_shared_tied", transformer(SOURCE_VOCAB, Activation.GELU,
                        NormPlacement.PRE, PositionEncoding.LEARNED, true, true, true)),
                Arguments.of("transformer_pre_sinusoidal_unscaled_tied", transformer(TARGET_VOCAB, Activation.RELU,
                        NormPlacement.PRE, PositionEncoding.SINUSOIDAL, false, true, false)));
    }

    private static Seq2SeqConfig lstm(int decoderHidden, int layers, AttentionScore score, int attentionSize) {
        return new LstmAttentionSeq2Seq.Config(SOURCE_VOCAB, TARGET_VOCAB, 6, 5, decoderHidden, layers, score,
                attentionSize, DROPOUT, PAD);
    }

    private static Seq2SeqConfig transformer(int targetVocab, Activation activation, NormPlacement placement,
            PositionEncoding positions, boolean shared, boolean tied, boolean scaled) {
        return new TransformerSeq2Seq.Config(SOURCE_VOCAB, targetVocab, EMBED, HEADS, FEED_FORWARD, LAYERS, LAYERS,
                DROPOUT, activation, placement, positions, MAX_POSITIONS, shared, tied, scaled, PAD);
    }

    /** The variant's model with the fixture's weights, loaded strictly by name. */
    static Seq2SeqModel loaded(String variant, Seq2SeqConfig config) throws Exception {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config, manager);
        String prefix = variant + ".weights.";
        Map<String, NDArray> weights = new LinkedHashMap<>();
        fixture.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                weights.put(key.substring(prefix.length()), value);
            }
        });
        StateDict.load(model, weights, FILE + " " + variant);
        return model;
    }

    static Seq2SeqInput batch() {
        return new Seq2SeqInput(fixture.get("src"), fixture.get("src_mask"), fixture.get("tgt_in"),
                fixture.get("tgt_mask"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void logitsAndLossEqualTorch(String variant, Seq2SeqConfig config) throws Exception {
        Seq2SeqModel model = loaded(variant, config);
        NDArray logits = model.logits(ps, batch(), false);
        NDArray expected = fixture.get(variant + ".logits");
        assertEquals(expected.getShape(), logits.getShape());
        float diff = expected.sub(logits).abs().max().getFloat();
        NDArray targets = fixture.get("tgt_out");
        LabelSmoothedCrossEntropy lossFunction =
                new LabelSmoothedCrossEntropy(LabelSmoothedCrossEntropy.DEFAULT_SMOOTHING, PAD);
        double loss = lossFunction.mean(logits, targets).getFloat();
        double lossOfTorchLogits = lossFunction.mean(expected, targets).getFloat();
        double expectedLoss = fixture.get(variant + ".loss").getFloat(0);
        System.out.printf("parity %s: logits max |diff| %.3g; loss on torch logits |diff| %.3g, on ours %.3g%n",
                variant, diff, Math.abs(lossOfTorchLogits - expectedLoss), Math.abs(loss - expectedLoss));
        assertTrue(diff <= LOGIT_TOLERANCE, variant + ": logits differ by " + diff);
        assertEquals(expectedLoss, lossOfTorchLogits, LOSS_TOLERANCE, variant + ": label-smoothed loss");
        assertEquals(expectedLoss, loss, END_TO_END_LOSS_TOLERANCE, variant + ": loss of our logits");
    }

    @Test
    void lossCountsRealTargetsOnly() {
        LabelSmoothedCrossEntropy loss = new LabelSmoothedCrossEntropy(LabelSmoothedCrossEntropy.DEFAULT_SMOOTHING,
                PAD);
        NDArray logits = fixture.get("lstm_general.logits");
        NDArray targets = fixture.get("tgt_out");
        // 4 + 2 + 3 real target tokens (eos included), the rest padding
        assertEquals(9, loss.tokens(targets));
        // row 1 has 2 real targets: logits at its padded positions change nothing
        NDArray changed = logits.duplicate();
        changed.set(new NDIndex("1, 2:"), 100f);
        assertEquals(loss.sum(logits, targets).getFloat(), loss.sum(changed, targets).getFloat(), LOSS_TOLERANCE);
        assertEquals(loss.sum(logits, targets).getFloat() / 9, loss.mean(logits, targets).getFloat(), LOSS_TOLERANCE);
    }
}
