package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.LearningRateSchedule;
import dev.nlptoolkit.models.classifier.BiLstmAttentionClassifier;
import dev.nlptoolkit.models.classifier.ClassificationLoss;
import dev.nlptoolkit.models.classifier.ClassifierInput;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.weights.StateDict;

import com.google.gson.JsonObject;

/**
 * {@link Workload#LSTM_TRAIN}: our {@link BiLstmAttentionClassifier} with embedding 20000 x 128, one
 * bidirectional layer of 128 per direction, attention pooling of size 128, 2 classes, no dropout;
 * cross-entropy; Adam (AdamW without decay) at lr 1e-3; batch 64 x 64 tokens without padding.
 */
final class LstmTrain {

    static final int VOCAB = 20_000;
    static final int EMBEDDING = 128;
    static final int HIDDEN = 128;
    static final int ATTENTION = 128;
    static final int CLASSES = 2;
    static final int BATCH = 64;
    static final int TOKENS = 64;
    static final double LR = 1e-3;

    private LstmTrain() {}

    static BenchResult run(BenchSettings settings, NDManager manager) {
        BiLstmAttentionClassifier model = BiLstmAttentionClassifier.builder()
                .setConfig(new BiLstmAttentionClassifier.Config(VOCAB, EMBEDDING, HIDDEN, ATTENTION, 1, 0f, CLASSES, 0))
                .build();
        TextClassifiers.initialize(model, manager);
        NDArray ids = manager.randomInteger(1, VOCAB, new Shape(BATCH, TOKENS), DataType.INT64);
        NDArray mask = manager.ones(new Shape(BATCH, TOKENS), DataType.INT64);
        NDArray labels = manager.randomInteger(0, CLASSES, new Shape(BATCH), DataType.INT64);
        ParameterStore store = new ParameterStore(manager, false);
        try (AdamW adam = AdamW.builder()
                .setParameters(StateDict.of(model))
                .setSchedule(LearningRateSchedule.constant(LR))
                .optWeightDecay(0)
                .build()) {
            TrainingBench.Timed times = TrainingBench.time(settings, new NDList(ids, mask, labels), batch -> {
                ClassifierInput input = ClassifierInput.of(batch.get(0), batch.get(1));
                return ClassificationLoss.crossEntropy(model.classify(store, input, true).logits(), batch.get(2));
            }, adam, manager);
            double tokens = (double) BATCH * TOKENS;
            return Benchmarks.result(Workload.LSTM_TRAIN, tokens / times.wall().medianSeconds(), settings,
                    times.wall(), times.cpu(), new JsonObject());
        }
    }
}
