package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.ManagerOwner;
import dev.nlptoolkit.core.metric.ClassificationMetrics;

import ai.djl.ndarray.NDManager;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A trained text classifier loaded from its model directory: one this toolkit saved, or any Hugging
 * Face {@code BertForSequenceClassification} directory ({@code config.json}, {@code model.safetensors},
 * {@code tokenizer.json}).
 *
 * <pre>{@code
 * try (ClassifierModel model = ClassifierModel.load(Path.of("runs/sst2"))) {
 *     Prediction p = model.predict(List.of(TextInput.of("a gorgeous, witty film")), 32, 5).get(0);
 *     System.out.println(p.label() + " " + p.probability() + " " + p.explanation());
 * }
 * }</pre>
 *
 * <p>Thread-safe for {@link #predict} and {@link #evaluate}: each call runs its batches in its own
 * scope with gradient recording off on its own thread, and the weights are only read, so one loaded
 * model can serve several threads at once with the results it gives one. {@link #close()} must wait
 * until no call is running. {@link #predictor()} gives a thread a view with its own native-memory
 * scope, which closing frees without closing the model.
 */
public final class ClassifierModel implements AutoCloseable {

    /** Inputs per forward pass unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** Most-attended tokens reported per input when explaining. */
    public static final int DEFAULT_EXPLAIN_TOP_K = 10;

    private final Path directory;
    private final NDManager manager;
    private final ClassifierNetwork network;
    /** False for a {@link #predictor()}: the weights belong to the model it came from. */
    private final boolean ownsNetwork;

    private ClassifierModel(Path directory, NDManager manager, ClassifierNetwork network, boolean ownsNetwork) {
        this.directory = directory;
        this.manager = manager;
        this.network = network;
        this.ownsNetwork = ownsNetwork;
    }

    /** Loads {@code dir} onto the GPU when there is one, else the CPU. */
    public static ClassifierModel load(Path dir) throws IOException, CheckpointException {
        return load(dir, DeviceChoice.AUTO);
    }

    public static ClassifierModel load(Path dir, DeviceChoice device) throws IOException, CheckpointException {
        return ManagerOwner.open(device,
                manager -> new ClassifierModel(dir, manager, ClassifierNetwork.load(dir, manager), true));
    }

    /**
     * A predictor for one thread that shares this model's weights, as DJL's {@code Predictor} shares its
     * {@code Model}: its batches live in its own native-memory scope, which closing it frees; the weights
     * stay open until this model closes. A forward pass only reads the weights, so predictors on several
     * threads may run at once (the Spark engine gives one to each task of an executor).
     */
    public ClassifierModel predictor() {
        return new ClassifierModel(directory, manager.newSubManager(), network, false);
    }

    public Path directory() {
        return directory;
    }

    public ModelKind kind() {
        return network.kind();
    }

    /** The labels in id order: the order of {@link Prediction#logits()}. */
    public List<String> labels() {
        return network.labels().labels();
    }

    /** The most tokens per input (special tokens included) the model reads; longer inputs are truncated. */
    public int maxLength() {
        return network.maxLength();
    }

    /**
     * Tokenises {@code inputs} (truncating each to {@link #maxLength()}) and groups them into batches of
     * at most {@code batchSize} inputs of similar token length, for {@link #predict(EncodedInputs)}.
     * Uses only the tokenizer: safe to call on one thread while another predicts.
     */
    public EncodedInputs encode(List<TextInput> inputs, int batchSize) {
        return Inference.encode(network, inputs, batchSize);
    }

    /** Predicts inputs {@link #encode encoded} before, without explanations; the results are in input order. */
    public List<Prediction> predict(EncodedInputs inputs) {
        return Inference.predict(network, manager, inputs);
    }

    /** Predicts {@code inputs} in batches of {@value #DEFAULT_BATCH_SIZE}, without explanations. */
    public List<Prediction> predict(List<TextInput> inputs) {
        return predict(inputs, DEFAULT_BATCH_SIZE, 0);
    }

    /**
     * Predicts {@code inputs}; the results are in input order.
     *
     * @param explainTopK the most-attended tokens to report with each prediction (0: none):
     *     bilstm-attention's pooling weights, transformer's last-layer attention received (averaged
     *     over heads and tokens), BERT's last-layer attention from [CLS] averaged over heads, cnn's
     *     share of feature maps whose winning (max-pooled) window covers each token; rnn, lstm and rcnn
     *     report none
     */
    public List<Prediction> predict(List<TextInput> inputs, int batchSize, int explainTopK) {
        if (explainTopK < 0) {
            throw new UserInputException("explainTopK must be >= 0, got " + explainTopK);
        }
        return Inference.predict(network, manager, inputs, batchSize, explainTopK);
    }

    /**
     * Each input's prediction with the tokens the model read and its last layer's attention over them:
     * the token weights of {@link Prediction#explanation()} for every token and, for transformer and
     * bert, the self-attention of every head. Results are in input order.
     */
    public List<AttentionMap> attention(List<TextInput> inputs) {
        return attention(inputs, DEFAULT_BATCH_SIZE, DEFAULT_EXPLAIN_TOP_K);
    }

    /** {@link #attention(List)} in batches of {@code batchSize}, explaining with {@code explainTopK} tokens. */
    public List<AttentionMap> attention(List<TextInput> inputs, int batchSize, int explainTopK) {
        if (explainTopK < 0) {
            throw new IllegalArgumentException("explainTopK must be >= 0, got " + explainTopK);
        }
        return Inference.attend(network, manager, inputs, batchSize, explainTopK, null, 0);
    }

    /**
     * {@link #attention(List)} under the one-step, epsilon-bounded L2 embedding attack that
     * {@link #evaluateUnderAttack} scores with: each input's embeddings are pushed towards a higher
     * loss for its label in {@code labels}, so one sees what the perturbation does to the prediction
     * and to where the model looks.
     *
     * @param labels each input's true label, one of {@link #labels()}
     * @param epsilon the L2 norm of each input's perturbation, in embedding units
     */
    public List<AttentionMap> attentionUnderAttack(List<TextInput> inputs, List<String> labels, float epsilon) {
        if (labels.size() != inputs.size()) {
            throw new IllegalArgumentException("got " + labels.size() + " labels for " + inputs.size() + " inputs");
        }
        int[] ids = new int[labels.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = network.labels().id(labels.get(i));
            if (ids[i] < 0) {
                throw new IllegalArgumentException("label " + (i + 1) + " '" + labels.get(i)
                        + "' is not one of the model's labels " + labels());
            }
        }
        return Inference.attend(network, manager, inputs, DEFAULT_BATCH_SIZE, DEFAULT_EXPLAIN_TOP_K, ids, epsilon);
    }

    /** Scores the model on labelled data; see {@link #evaluate(Dataset, int, UnknownLabels)}. */
    public ClassificationMetrics evaluate(Dataset data) {
        return evaluate(data, DEFAULT_BATCH_SIZE);
    }

    /**
     * Scores the model on labelled data, refusing gold labels it does not know; see
     * {@link #evaluate(Dataset, int, UnknownLabels)}.
     */
    public ClassificationMetrics evaluate(Dataset data, int batchSize) {
        return evaluate(data, batchSize, UnknownLabels.REJECT);
    }

    /**
     * Scores the model on {@code data}, whose examples must all have a label.
     *
     * @param unknownLabels what a gold label the model never saw in training does:
     *     {@link UnknownLabels#REJECT} throws a {@link UserInputException} naming its file and line before
     *     anything is scored; {@link UnknownLabels#COUNT_AS_ERRORS} counts it as an error, listed in
     *     {@link ClassificationMetrics#unknownGold()}
     */
    public ClassificationMetrics evaluate(Dataset data, int batchSize, UnknownLabels unknownLabels) {
        return evaluate(network, manager, data, batchSize, unknownLabels);
    }

    /**
     * Scores the model on {@code data} under the one-step, epsilon-bounded L2 attack on its embeddings
     * (Miyato et al. 2017) that adversarial training ({@code --adversarial-epsilon}) defends against:
     * the accuracy drop from {@link #evaluate} measures how robust the model is.
     *
     * @param epsilon the L2 norm of each example's perturbation, in embedding units
     */
    public ClassificationMetrics evaluateUnderAttack(Dataset data, int batchSize, float epsilon) {
        return evaluateUnderAttack(data, batchSize, epsilon, UnknownLabels.REJECT);
    }

    /**
     * {@link #evaluateUnderAttack(Dataset, int, float)} with a choice of what unknown gold labels do, as for
     * {@link #evaluate(Dataset, int, UnknownLabels)}; counted ones are attacked towards the model's first label.
     */
    public ClassificationMetrics evaluateUnderAttack(Dataset data, int batchSize, float epsilon,
            UnknownLabels unknownLabels) {
        Labelled labelled = Labelled.of(data, network.labels(), unknownLabels);
        int[] ids = labelled.gold().stream().mapToInt(label -> Math.max(network.labels().id(label), 0)).toArray();
        return labelled.score(network, Inference.predictUnderAttack(network, manager, labelled.inputs(), ids,
                batchSize, epsilon));
    }

    /** The trainer's dev-set score: it reports labels the training data lacks under "unknown_gold". */
    static ClassificationMetrics evaluate(ClassifierNetwork network, NDManager manager, Dataset data, int batchSize) {
        return evaluate(network, manager, data, batchSize, UnknownLabels.COUNT_AS_ERRORS);
    }

    private static ClassificationMetrics evaluate(ClassifierNetwork network, NDManager manager, Dataset data,
            int batchSize, UnknownLabels unknownLabels) {
        Labelled labelled = Labelled.of(data, network.labels(), unknownLabels);
        return labelled.score(network, Inference.predict(network, manager, labelled.inputs(), batchSize, 0));
    }

    /** Evaluation data: the inputs and their gold labels. */
    private record Labelled(List<TextInput> inputs, List<String> gold) {

        static Labelled of(Dataset data, LabelMap known, UnknownLabels unknownLabels) {
            List<TextInput> inputs = new ArrayList<>(data.size());
            List<String> gold = new ArrayList<>(data.size());
            int firstUnknown = -1;
            int unknown = 0;
            for (int i = 0; i < data.size(); i++) {
                Example example = data.examples().get(i);
                if (example.label() == null) {
                    throw new UserInputException(data.where(i)
                            + ": no label to evaluate against; name the label column");
                }
                if (known.id(example.label()) < 0) {
                    firstUnknown = firstUnknown < 0 ? i : firstUnknown;
                    unknown++;
                }
                inputs.add(new TextInput(example.text(), example.textPair()));
                gold.add(example.label());
            }
            if (unknown > 0 && unknownLabels == UnknownLabels.REJECT) {
                throw new UserInputException(data.where(firstUnknown) + ": label '" + gold.get(firstUnknown)
                        + "' was never seen in training; the model knows " + known.labels()
                        + (unknown > 1 ? " (" + unknown + " examples have labels it does not know)" : "")
                        + "; --allow-unknown-labels scores them as errors instead");
            }
            return new Labelled(inputs, gold);
        }

        ClassificationMetrics score(ClassifierNetwork network, List<Prediction> predictions) {
            List<String> predicted = predictions.stream().map(Prediction::label).toList();
            return ClassificationMetrics.of(gold, predicted, Set.copyOf(network.labels().labels()));
        }
    }

    @Override
    public void close() {
        if (ownsNetwork) {
            network.close();
        }
        manager.close();
    }
}
