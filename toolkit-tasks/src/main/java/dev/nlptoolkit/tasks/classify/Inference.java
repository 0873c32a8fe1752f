package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.data.Batch;
import dev.nlptoolkit.core.data.LengthBucketBatcher;
import dev.nlptoolkit.core.tokenize.TextTokens;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.adversarial.AdversarialTraining;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.ClassifierOutput;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Batched prediction: inputs of similar length share a batch; results come back in input order.
 * Autograd recording is turned off on the calling thread for the forward passes (libtorch keeps the
 * mode per thread, and a thread other than the engine's first one starts with it on), and every
 * forward pass checks that it is ({@link #requireNotRecording}).
 */
final class Inference {

    private Inference() {}

    /**
     * Predicts every input with {@code network} in evaluation mode (no dropout).
     *
     * @param topK the most-attended tokens to report per input; 0 for none
     */
    static List<Prediction> predict(
            ClassifierNetwork network, NDManager manager, List<TextInput> inputs, int batchSize, int topK) {
        // Off explicitly, on this thread: a caller's thread may have recording on, and a forward pass
        // that records keeps a graph per batch and is not safe to share one model between threads.
        return Gradients.withoutRecording(() -> inLengthOrder(inputs, batchSize,
                (indices, items) -> predictBatch(network, manager, items, encode(network, items), topK)));
    }

    /**
     * Encodes {@code inputs} and groups them by token length into batches of at most {@code batchSize}:
     * which inputs share a batch depends only on the inputs and their order.
     */
    static EncodedInputs encode(ClassifierNetwork network, List<TextInput> inputs, int batchSize) {
        requireBatchSize(batchSize);
        List<EncodedText> encoded = encode(network, inputs);
        List<Batch<EncodedText>> batches =
                LengthBucketBatcher.builder().setBatchSize(batchSize).build().ordered(encoded, EncodedText::length);
        return new EncodedInputs(inputs.size(), batches);
    }

    /** Predicts inputs {@link #encode encoded} before, without explanations; results in input order. */
    static List<Prediction> predict(ClassifierNetwork network, NDManager manager, EncodedInputs inputs) {
        return Gradients.withoutRecording(() -> {
            Prediction[] results = new Prediction[inputs.size()];
            for (Batch<EncodedText> batch : inputs.batches()) {
                List<Prediction> predictions = predictBatch(network, manager, null, batch.items(), 0);
                for (int i = 0; i < batch.size(); i++) {
                    results[batch.indices()[i]] = predictions.get(i);
                }
            }
            return Arrays.asList(results);
        });
    }

    /**
     * Predicts every input under the one-step, epsilon-bounded L2 embedding attack of Miyato et al.
     * (2017), which pushes each input's embeddings towards a higher loss for its true label.
     *
     * @param labelIds each input's true label id; the attack needs one, so give any valid id for
     *     inputs whose gold label the model does not know (they count as errors anyway)
     */
    static List<Prediction> predictUnderAttack(ClassifierNetwork network, NDManager manager, List<TextInput> inputs,
            int[] labelIds, int batchSize, float epsilon) {
        AdversarialTraining attack =
                AdversarialTraining.builder().setModel(network.model()).optEpsilon(epsilon).build();
        // The attack records the one gradient it needs itself; the rest runs without recording.
        return Gradients.withoutRecording(() -> inLengthOrder(inputs, batchSize, (indices, items) -> {
            List<EncodedText> encoded = encode(network, items);
            try (NDManager scope = manager.newSubManager()) {
                ClassifierInput input = EncodedText.toInput(encoded, network.tokenizer().padId(), scope);
                NDArray labels = scope.create(Arrays.stream(indices).mapToLong(i -> labelIds[i]).toArray());
                requireNotRecording();
                float[] logits = attack.attack(new ParameterStore(scope, false), input, labels).toFloatArray();
                return predictions(network.labels(), logits, items.size(), b -> List.of());
            }
        }));
    }

    /**
     * The prediction and last-layer attention of every input, clean ({@code labelIds} null) or under
     * the epsilon-bounded embedding attack towards a higher loss for {@code labelIds}.
     */
    static List<AttentionMap> attend(ClassifierNetwork network, NDManager manager, List<TextInput> inputs,
            int batchSize, int topK, int[] labelIds, float epsilon) {
        AdversarialTraining attack = labelIds == null ? null
                : AdversarialTraining.builder().setModel(network.model()).optEpsilon(epsilon).build();
        AttentionMap[] results = new AttentionMap[inputs.size()];
        Gradients.withoutRecording(() -> inLengthOrder(inputs, batchSize, (indices, items) -> {
            List<EncodedText> encoded = encode(network, items);
            try (NDManager scope = manager.newSubManager()) {
                ClassifierInput input = EncodedText.toInput(encoded, network.tokenizer().padId(), scope);
                ParameterStore store = new ParameterStore(scope, false);
                requireNotRecording();
                NDArray embeddings = network.model().embed(store, input, false);
                if (attack != null) {
                    NDArray labels = scope.create(Arrays.stream(indices).mapToLong(i -> labelIds[i]).toArray());
                    embeddings = embeddings.add(attack.perturbation(store, input, labels, embeddings, false));
                }
                ClassifierOutput output = network.model().classifyEmbedded(store, embeddings, input, false);
                float[] weights = output.tokenWeights() == null ? null : output.tokenWeights().toFloatArray();
                NDArray maps = output.selfAttention();
                float[] attention = maps == null ? null : maps.toFloatArray();
                // (B, T) ids; (B, N, T, T) maps
                int width = Math.toIntExact(input.tokenIds().getShape().get(1));
                int heads = maps == null ? 0 : Math.toIntExact(maps.getShape().get(1));
                List<TextTokens> tokens = items.stream().map(i -> network.tokenizer().tokenize(i.text())).toList();
                List<Prediction> predictions = predictions(network.labels(), output.logits().toFloatArray(),
                        items.size(), b -> weights == null ? List.of()
                                : explain(tokens.get(b), encoded.get(b).length(), weights, b * width, topK));
                for (int b = 0; b < items.size(); b++) {
                    int shown = Math.min(tokens.get(b).tokens().size(), encoded.get(b).length());
                    results[indices[b]] = new AttentionMap(predictions.get(b),
                            tokens.get(b).tokens().subList(0, shown),
                            Arrays.copyOf(tokens.get(b).special(), shown),
                            weights == null ? null : Arrays.copyOfRange(weights, b * width, b * width + shown),
                            attention == null ? null : heads(attention, b, heads, width, shown));
                }
                return predictions;
            }
        }));
        return Arrays.asList(results);
    }

    /** Row {@code b}'s (N, shown, shown) corner of (B, N, T, T) maps, flattened in {@code maps}. */
    private static float[][][] heads(float[] maps, int b, int heads, int width, int shown) {
        float[][][] out = new float[heads][shown][];
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < shown; q++) {
                int start = ((b * heads + h) * width + q) * width;
                out[h][q] = Arrays.copyOfRange(maps, start, start + shown);
            }
        }
        return out;
    }

    /** Runs inputs of similar length together and returns the results in input order. */
    private static List<Prediction> inLengthOrder(
            List<TextInput> inputs, int batchSize, LengthBucketBatcher.BatchFunction<TextInput, Prediction> run) {
        requireBatchSize(batchSize);
        // Character length stands in for token length: close enough to group inputs, and free.
        return LengthBucketBatcher.builder().setBatchSize(batchSize).build().mapInLengthOrder(inputs,
                input -> input.text().length() + (input.textPair() == null ? 0 : input.textPair().length()), run);
    }

    private static void requireBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new UserInputException("batch size must be at least 1, got " + batchSize);
        }
    }

    private static List<EncodedText> encode(ClassifierNetwork network, List<TextInput> items) {
        List<String> texts = items.stream().map(TextInput::text).toList();
        List<String> pairs = items.stream().map(TextInput::textPair).toList();
        return EncodedText.encode(network.tokenizer(), texts, pairs, network.emptyTextId());
    }

    /** One prediction per row of the (rows, classes) {@code logits}, explained by {@code explanation}. */
    private static List<Prediction> predictions(
            LabelMap labels, float[] logits, int rows, IntFunction<List<TokenWeight>> explanation) {
        int classes = labels.size();
        List<Prediction> out = new ArrayList<>(rows);
        for (int b = 0; b < rows; b++) {
            float[] row = Arrays.copyOfRange(logits, b * classes, (b + 1) * classes);
            out.add(prediction(labels, row, explanation.apply(b)));
        }
        return out;
    }

    /**
     * Fails when autograd records on this thread, a bug of ours: a recorded forward pass keeps a graph per
     * batch through the weights (which take gradients), and threads recording through one model's shared
     * weights are not safe. libtorch keeps the mode per thread, so this sees what the forward pass will.
     * (A graph cannot be seen on the logits instead: DJL 0.36's {@code hasGradient()} is false for an
     * array with a {@code grad_fn}.)
     */
    private static void requireNotRecording() {
        if (Gradients.recording()) {
            throw new IllegalStateException("autograd records on thread '" + Thread.currentThread().getName()
                    + "' during an inference forward pass: run it inside Gradients.withoutRecording");
        }
    }

    /**
     * One forward pass over {@code encoded}, without turning recording off: the callers above do that.
     * {@code items} are the texts of {@code encoded}, needed only to explain ({@code topK > 0}).
     */
    static List<Prediction> predictBatch(ClassifierNetwork network, NDManager manager, List<TextInput> items,
            List<EncodedText> encoded, int topK) {
        try (NDManager scope = manager.newSubManager()) {
            ClassifierInput input = EncodedText.toInput(encoded, network.tokenizer().padId(), scope);
            requireNotRecording();
            ClassifierOutput output = network.model().classify(new ParameterStore(scope, false), input, false);
            NDArray weights = output.tokenWeights();
            float[] tokenWeights = topK > 0 && weights != null ? weights.toFloatArray() : null;
            int width = Math.toIntExact(input.tokenIds().getShape().get(1));
            return predictions(network.labels(), output.logits().toFloatArray(), encoded.size(), b -> tokenWeights == null
                    ? List.of()
                    : explain(network.tokenizer().tokenize(items.get(b).text()), encoded.get(b).length(),
                            tokenWeights, b * width, topK));
        }
    }

    private static Prediction prediction(LabelMap labels, float[] logits, List<TokenWeight> explanation) {
        for (float logit : logits) {
            if (!Float.isFinite(logit)) {
                // NaN compares false with everything: the arg-max would silently name label 0.
                return Prediction.ofNonFinite(logits);
            }
        }
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int c = 0; c < logits.length; c++) {
            if (logits[c] > max) {
                max = logits[c];
                best = c;
            }
        }
        double[] exp = new double[logits.length];
        double sum = 0;
        for (int c = 0; c < logits.length; c++) {
            exp[c] = Math.exp(logits[c] - max);
            sum += exp[c];
        }
        Map<String, Double> probabilities = new LinkedHashMap<>();
        for (int c = 0; c < logits.length; c++) {
            probabilities.put(labels.label(c), exp[c] / sum);
        }
        return new Prediction(labels.label(best), probabilities, logits, explanation);
    }

    /**
     * The {@code topK} highest-weighted tokens of one row, special tokens left out. Tokens come from the
     * first text only (the tokenizer names the tokens of a single text, which are the first ones of a
     * pair's row too).
     */
    private static List<TokenWeight> explain(TextTokens tokens, int length, float[] weights, int offset, int topK) {
        int shown = Math.min(tokens.tokens().size(), length);
        List<TokenWeight> all = new ArrayList<>(shown);
        for (int t = 0; t < shown; t++) {
            if (!tokens.special()[t]) {
                all.add(new TokenWeight(tokens.tokens().get(t), t, weights[offset + t]));
            }
        }
        all.sort(Comparator.comparingDouble(TokenWeight::weight).reversed().thenComparingInt(TokenWeight::position));
        return List.copyOf(all.subList(0, Math.min(topK, all.size())));
    }
}
