package dev.nlptoolkit.models.adversarial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.data.Batch;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.LengthBucketBatcher;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.tokenize.TokenBatch;
import dev.nlptoolkit.core.tokenize.WordTokenizer;
import dev.nlptoolkit.core.tokenize.WordVocabulary;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.core.train.LearningRateSchedule;
import dev.nlptoolkit.models.classifier.BiLstmAttentionClassifier;
import dev.nlptoolkit.models.classifier.ClassificationLoss;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.weights.StateDict;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A small real task: on an SST-2 subset, a tiny BiLSTM-attention classifier trained adversarially
 * (Miyato et al. 2017) is more accurate under the epsilon embedding attack than the same model trained
 * plainly from the same seed, at nearly the same clean accuracy.
 */
class AdversarialSst2Test {

    private static final int TRAIN_SENTENCES = 2000;
    private static final int DEV_SENTENCES = 500;
    private static final int EMBED = 32;
    private static final int HIDDEN = 24;
    private static final int ATTENTION = 16;
    private static final float DROPOUT = 0.3f;
    private static final int CLASSES = 2;
    private static final int BATCH = 64;
    private static final int EPOCHS = 6;
    private static final double LR = 8e-3;
    private static final float EPSILON = 2f;
    /** Both files are "label, text" with a header, though the headers name the text column differently. */
    private static final int LABEL_COLUMN = 0;
    private static final int TEXT_COLUMN = 1;
    /**
     * Tuned on seeds 1, 2, 3 and 20170301: epsilon 2 raised the attacked accuracy by 6 to 14 points
     * (epsilon 1 by 2 to 9, 3 by 10) with clean accuracy 0 to 3 points higher; at 4 epochs clean
     * accuracy varied by 8 points between seeds, at 6 it settles.
     */
    private static final double MIN_ROBUST_GAIN = 0.03;
    /** Clean accuracy may drop by at most this much for the robustness gained. */
    private static final double CLEAN_SLACK = 0.03;

    /** Ops on these tiny tensors gain nothing from a second thread, and spin-waiting slows shared cores. */
    private static final int INTRA_OP_THREADS = 1;

    private static EngineSettings.Threads before;

    private record Accuracy(double clean, double attacked) {}

    @BeforeAll
    static void oneThreadPerOp() {
        before = EngineSettings.current();
        EngineSettings.threads(INTRA_OP_THREADS, before.interOp());
    }

    @AfterAll
    static void restoreThreads() {
        EngineSettings.threads(before.intraOp(), before.interOp());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void adversarialTrainingIsMoreRobustAtAboutTheSameCleanAccuracy(long seed) throws IOException {
        Path sst2 = datasets().resolve("sst2");
        List<Example> train = read(sst2.resolve("train.tsv")).subList(0, TRAIN_SENTENCES);
        List<Example> dev = read(sst2.resolve("dev.tsv")).subList(0, DEV_SENTENCES);
        WordVocabulary vocabulary = WordVocabulary.builder().build(train.stream().map(Example::text).toList());
        WordTokenizer tokenizer = WordTokenizer.builder().setVocabulary(vocabulary).build();

        long start = System.nanoTime();
        Accuracy plain = trainAndEvaluate(train, dev, tokenizer, seed, false);
        Accuracy adversarial = trainAndEvaluate(train, dev, tokenizer, seed, true);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "SST-2 %d train / %d dev, seed %d, epsilon %.1f, %.1f s: plain clean %.3f attacked %.3f;"
                        + " adversarial clean %.3f attacked %.3f%n", TRAIN_SENTENCES, DEV_SENTENCES, seed, EPSILON,
                seconds,
                plain.clean(), plain.attacked(), adversarial.clean(), adversarial.attacked());
        assertTrue(adversarial.attacked() >= plain.attacked() + MIN_ROBUST_GAIN,
                "adversarial training should resist the attack better: " + adversarial + " vs plain " + plain);
        assertTrue(adversarial.clean() >= plain.clean() - CLEAN_SLACK,
                "adversarial training cost too much clean accuracy: " + adversarial + " vs plain " + plain);
    }

    private static Accuracy trainAndEvaluate(
            List<Example> train, List<Example> dev, WordTokenizer tokenizer, long seed, boolean adversarially) {
        Engine.getInstance().setRandomSeed((int) seed);
        LengthBucketBatcher batcher = LengthBucketBatcher.builder().setBatchSize(BATCH).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            TextClassifier model = TextClassifiers.create(new BiLstmAttentionClassifier.Config(
                    tokenizer.vocabularySize(), EMBED, HIDDEN, ATTENTION, 1, DROPOUT, CLASSES, (int) tokenizer.padId()));
            TextClassifiers.initialize(model, manager);
            AdversarialTraining training = AdversarialTraining.builder().setModel(model).optEpsilon(EPSILON).build();
            try (AdamW optimizer = AdamW.builder()
                    .setParameters(StateDict.of(model))
                    .setSchedule(LearningRateSchedule.constant(LR))
                    .optWeightDecay(0)
                    .build()) {
                for (int epoch = 0; epoch < EPOCHS; epoch++) {
                    for (Batch<Example> batch : batcher.shuffled(train, e -> length(tokenizer, e), seed + epoch)) {
                        try (NDManager scope = manager.newSubManager()) {
                            ClassifierInput input = encode(tokenizer, batch.items(), scope);
                            NDArray labels = labels(batch.items(), scope);
                            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                                NDArray loss = adversarially
                                        ? training.loss(store, input, labels, true)
                                        : ClassificationLoss.crossEntropy(model.classify(store, input, true).logits(), labels);
                                collector.backward(loss);
                            }
                            optimizer.step();
                            Gradients.zero(StateDict.of(model).values());
                        }
                    }
                }
            }
            int clean = 0;
            int attacked = 0;
            for (Batch<Example> batch : batcher.ordered(dev, e -> length(tokenizer, e))) {
                try (NDManager scope = manager.newSubManager()) {
                    ClassifierInput input = encode(tokenizer, batch.items(), scope);
                    NDArray labels = labels(batch.items(), scope);
                    clean += correct(model.classify(store, input, false).logits(), labels);
                    attacked += correct(training.attack(store, input, labels), labels);
                }
            }
            return new Accuracy((double) clean / dev.size(), (double) attacked / dev.size());
        }
    }

    private static int length(WordTokenizer tokenizer, Example example) {
        return tokenizer.tokens(example.text()).size();
    }

    private static ClassifierInput encode(WordTokenizer tokenizer, List<Example> examples, NDManager manager) {
        TokenBatch tokens = tokenizer.encode(examples.stream().map(Example::text).toList());
        return ClassifierInput.of(tokens.inputIds(manager), tokens.attentionMask(manager));
    }

    private static NDArray labels(List<Example> examples, NDManager manager) {
        return manager.create(examples.stream().mapToLong(e -> Long.parseLong(e.label())).toArray());
    }

    private static int correct(NDArray logits, NDArray labels) {
        return (int) logits.argMax(1).eq(labels).sum().getLong();
    }

    private static List<Example> read(Path file) throws IOException {
        return TabularReader.builder()
                .setTextColumn(Column.at(TEXT_COLUMN))
                .optLabelColumn(Column.at(LABEL_COLUMN))
                .build()
                .read(file);
    }

    /** The repository's datasets folder, found upwards from the working directory (the module's, under Maven). */
    private static Path datasets() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("datasets").resolve("sst2"))) {
                return dir.resolve("datasets");
            }
        }
        throw new IllegalStateException("no datasets/sst2 above " + Path.of("").toAbsolutePath());
    }
}
