package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.data.LengthBucketBatcher;
import dev.nlptoolkit.core.tokenize.BpeVocabulary;
import dev.nlptoolkit.core.tokenize.SubwordEncoding;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.decode.Hypothesis;
import dev.nlptoolkit.models.decode.SequenceDecoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Batched, length-sorted decoding of source sentences into translations, in input order. */
final class Decoding {

    private Decoding() {}

    /** A non-empty source: its position in the input and its subword ids, cut to the model's length. */
    private record Source(int index, long[] ids, List<String> tokens) {}

    static List<List<Translation>> translate(TranslatorNetwork network, NDManager manager, List<String> sources,
            DecodeOptions options, int batchSize, boolean alignments) {
        List<Integer> nonEmpty = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            if (!sources.get(i).isBlank()) {
                nonEmpty.add(i);
            }
        }
        List<SubwordEncoding> encoded = network.tokenizer().encode(nonEmpty.stream().map(sources::get).toList());
        // The source's end-of-sentence token takes one of the model's positions.
        int keep = network.maxLength() - 1;
        List<Source> items = new ArrayList<>(nonEmpty.size());
        for (int i = 0; i < nonEmpty.size(); i++) {
            SubwordEncoding e = encoded.get(i);
            int length = Math.min(keep, e.ids().length);
            items.add(new Source(nonEmpty.get(i), Arrays.copyOf(e.ids(), length), e.tokens().subList(0, length)));
        }
        // Inference on any thread: libtorch would otherwise record autograd graphs on threads it did not start.
        List<List<Translation>> decoded = Gradients.withoutRecording(() -> LengthBucketBatcher.builder()
                .setBatchSize(batchSize).build().mapInLengthOrder(items, s -> s.ids().length,
                        (indices, batch) -> decodeBatch(network, manager, batch, options, alignments)));
        List<List<Translation>> out = new ArrayList<>(sources.size());
        for (int i = 0; i < sources.size(); i++) {
            out.add(List.of(Translation.empty()));
        }
        for (int i = 0; i < items.size(); i++) {
            out.set(items.get(i).index(), decoded.get(i));
        }
        return out;
    }

    private static List<List<Translation>> decodeBatch(TranslatorNetwork network, NDManager manager,
            List<Source> batch, DecodeOptions options, boolean alignments) {
        try (NDManager scope = manager.newSubManager()) {
            int rows = batch.size();
            int width = batch.stream().mapToInt(s -> s.ids().length + 1).max().orElseThrow();
            long[] ids = new long[rows * width];
            for (int b = 0; b < rows; b++) {
                long[] source = batch.get(b).ids();
                System.arraycopy(source, 0, ids, b * width, source.length);
                ids[b * width + source.length] = BpeVocabulary.EOS_ID;
            }
            NDArray sourceIds = scope.create(ids, new Shape(rows, width));
            List<List<Hypothesis>> hypotheses = SequenceDecoder.of(network.model(), options.withAlignment(alignments))
                    .decode(new ParameterStore(scope, false), sourceIds, sourceIds.neq(BpeVocabulary.PAD_ID));
            List<List<Translation>> out = new ArrayList<>(rows);
            for (int b = 0; b < rows; b++) {
                Source source = batch.get(b);
                List<Translation> nbest = new ArrayList<>();
                for (Hypothesis h : hypotheses.get(b)) {
                    long[] tokens = Arrays.stream(h.tokens()).asLongStream().toArray();
                    nbest.add(new Translation(network.tokenizer().decode(tokens), h.score(), source.tokens(),
                            network.tokenizer().tokens(tokens), alignments ? h.alignment() : null));
                }
                out.add(nbest);
            }
            return out;
        }
    }
}
