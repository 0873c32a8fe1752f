package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.decode.GreedyDecoder;
import dev.nlptoolkit.models.decode.Hypothesis;
import dev.nlptoolkit.models.seq2seq.PositionEncoding;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModel;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModels;
import dev.nlptoolkit.models.seq2seq.TransformerSeq2Seq;
import dev.nlptoolkit.models.transformer.Activation;
import dev.nlptoolkit.models.transformer.NormPlacement;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Workload#TRANSLATE_GREEDY}: our {@link TransformerSeq2Seq} (3 encoder and 3 decoder layers,
 * model size 256, 4 heads, feed-forward 1024, pre-LN, sinusoidal positions, one shared vocabulary of
 * 8000 whose embedding is also the output layer) decoding 64 random sources of 16 tokens greedily
 * with {@link GreedyDecoder}, without gradients. Every sentence takes exactly 32 decoder steps: eos is
 * banned for the first 31 (minimum length 31) and forced at the 32nd (maximum length 31), so no
 * sentence stops early and each step yields 64 x 32 generated tokens (eos counted, as it is decoded).
 * With {@link BenchSettings#cache()} false every step re-decodes the whole prefix instead of extending
 * the decoder's key/value cache.
 */
final class TranslateGreedy {

    /** The sizes of the workload; {@link #ISSUE} is the benchmark, smaller ones are for tests. */
    record Sizes(int vocab, int modelSize, int heads, int feedForward, int layers, int batch, int sourceLength,
            int decoderSteps) {}

    static final Sizes ISSUE = new Sizes(8000, 256, 4, 1024, 3, 64, 16, 32);
    /** Sources avoid the special ids 0..3 (pad, unk, bos, eos), as real text would. */
    private static final int FIRST_WORD = 4;

    private TranslateGreedy() {}

    static BenchResult run(BenchSettings settings, NDManager manager) {
        return run(settings, manager, ISSUE);
    }

    static BenchResult run(BenchSettings settings, NDManager manager, Sizes sizes) {
        Seq2SeqModel model = Seq2SeqModels.createInitialized(config(sizes), manager);
        ParameterStore store = new ParameterStore(manager, false);
        NDArray sources = manager.randomInteger(FIRST_WORD, sizes.vocab(),
                new Shape(sizes.batch(), sizes.sourceLength()), DataType.INT64);
        NDArray mask = manager.ones(sources.getShape(), DataType.INT64);
        // bos then 31 tokens then eos: decoderSteps steps, none of them cut short
        int tokens = sizes.decoderSteps() - 1;
        DecodeOptions options = DecodeOptions.greedy().withMaxLength(0, tokens).withMinLength(tokens)
                .withIncremental(settings.cache());
        GreedyDecoder decoder = new GreedyDecoder(model, options);
        long[] nanos = new long[settings.steps()];
        long[] cpuNanos = new long[settings.steps()];
        List<Hypothesis> last = Gradients.withoutRecording(() -> {
            List<Hypothesis> best = List.of();
            for (int i = 0; i < settings.totalSteps(); i++) {
                Benchmarks.profileBefore(settings, i);
                long start = System.nanoTime();
                long cpuStart = ProcessCpu.nanos();
                // the decoder's arrays live in its own sub-managers of the sources' and are closed on return
                List<List<Hypothesis>> decoded = decoder.decode(store, sources, mask);
                long elapsed = System.nanoTime() - start;
                long cpu = ProcessCpu.nanos() - cpuStart;
                Benchmarks.profileAfter(settings, i);
                if (i >= settings.warmup()) {
                    nanos[i - settings.warmup()] = elapsed;
                    cpuNanos[i - settings.warmup()] = cpu;
                }
                best = decoded.stream().map(h -> h.get(0)).toList();
            }
            return best;
        });
        long generated = generatedTokens(last, sizes);
        StepTimes wall = new StepTimes(nanos);
        JsonObject extras = new JsonObject();
        extras.addProperty("cache", settings.cache());
        extras.addProperty("batch", sizes.batch());
        extras.addProperty("source_length", sizes.sourceLength());
        extras.addProperty("decoder_steps", sizes.decoderSteps());
        extras.addProperty("generated_tokens", generated);
        extras.addProperty("outputs_hash", outputsHash(last));
        return Benchmarks.result(Workload.TRANSLATE_GREEDY, generated / wall.medianSeconds(), settings, wall,
                new StepTimes(cpuNanos), extras);
    }

    static TransformerSeq2Seq.Config config(Sizes sizes) {
        return new TransformerSeq2Seq.Config(sizes.vocab(), sizes.vocab(), sizes.modelSize(), sizes.heads(),
                sizes.feedForward(), sizes.layers(), sizes.layers(), 0.1f, Activation.RELU, NormPlacement.PRE,
                PositionEncoding.SINUSOIDAL, TransformerSeq2Seq.Config.DEFAULT_MAX_POSITIONS, true, true, true,
                DecodeOptions.DEFAULT_PAD_ID);
    }

    /** Tokens decoded per call, eos included; checks that every sentence took every step. */
    private static long generatedTokens(List<Hypothesis> outputs, Sizes sizes) {
        long generated = 0;
        for (Hypothesis h : outputs) {
            generated += h.length() + 1;
        }
        long expected = (long) sizes.batch() * sizes.decoderSteps();
        if (generated != expected) {
            throw new IllegalStateException("greedy decoding made " + generated + " tokens, not " + expected
                    + ": some sentence stopped early although eos is banned before the last step");
        }
        return generated;
    }

    /** A hash of the outputs in order, equal with and without the cache when both decode the same tokens. */
    private static int outputsHash(List<Hypothesis> outputs) {
        List<Integer> hashes = new ArrayList<>();
        for (Hypothesis h : outputs) {
            hashes.add(Arrays.hashCode(h.tokens()));
        }
        return hashes.hashCode();
    }
}
