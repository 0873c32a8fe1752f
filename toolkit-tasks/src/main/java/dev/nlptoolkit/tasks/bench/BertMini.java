package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.AdamW;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.core.train.LearningRateSchedule;
import dev.nlptoolkit.models.bert.BertConfig;
import dev.nlptoolkit.models.bert.BertForSequenceClassification;
import dev.nlptoolkit.models.bert.BertInput;
import dev.nlptoolkit.models.weights.StateDict;

import com.google.gson.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * The BERT workloads on BERT-mini (Turc et al. 2019): 4 layers, hidden 256, 4 heads, intermediate
 * 1024, vocabulary 30522, 512 positions, 2 token types, exact (erf) GELU, post-LN with eps 1e-12,
 * dropout 0.1, pooler on token 0, 2 labels; attention mask all ones.
 *
 * <p>FLOPs per token of a training step, counting the matrix products only: per layer the forward
 * pass multiplies by the Q, K, V and output projections (4 x 2 H^2), the feed-forward pair
 * (2 x 2 H I) and, per head summed over heads, Q K^T and the weighted sum of V (2 x 2 T H); backward
 * costs twice the forward, so a step is 3 L (8 H^2 + 4 H I + 4 T H). Embeddings, pooler and head are
 * left out (under 0.1%).
 */
final class BertMini {

    static final int LAYERS = 4;
    static final int HIDDEN = 256;
    static final int HEADS = 4;
    static final int INTERMEDIATE = 1024;
    static final int VOCAB = 30_522;
    static final int POSITIONS = 512;
    static final int LABELS = 2;
    static final int TRAIN_BATCH = 32;
    static final int INFER_BATCH = 64;
    static final int LENGTH = 128;
    static final int LATENCY_LENGTH = 32;
    static final double LR = 1e-4;
    static final double WEIGHT_DECAY = 0.01;

    private BertMini() {}

    static BertConfig config() {
        JsonObject json = new JsonObject();
        json.addProperty("model_type", "bert");
        json.addProperty("vocab_size", VOCAB);
        json.addProperty("hidden_size", HIDDEN);
        json.addProperty("num_hidden_layers", LAYERS);
        json.addProperty("num_attention_heads", HEADS);
        json.addProperty("intermediate_size", INTERMEDIATE);
        json.addProperty("hidden_act", "gelu");
        json.addProperty("max_position_embeddings", POSITIONS);
        json.addProperty("type_vocab_size", 2);
        json.addProperty("num_labels", LABELS);
        try {
            return BertConfig.of(json, null);
        } catch (CheckpointException e) {
            throw new IllegalStateException("the built-in BERT-mini config does not parse", e);
        }
    }

    /** A randomly initialised BERT-mini classifier in {@code manager}. */
    static BertForSequenceClassification model(NDManager manager) {
        BertForSequenceClassification model = BertForSequenceClassification.builder().setConfig(config()).build();
        model.initialize(manager, DataType.FLOAT32, BertInput.shapes(1, 1));
        return model;
    }

    /** Matrix-product FLOPs per token of one training step; see the class comment. */
    static double trainFlopsPerToken(int length) {
        double h = HIDDEN;
        return 3.0 * LAYERS * (8 * h * h + 4 * h * INTERMEDIATE + 4.0 * length * h);
    }

    static NDList batch(NDManager manager, int batch, int length) {
        Shape shape = new Shape(batch, length);
        return new NDList(
                manager.randomInteger(0, VOCAB, shape, DataType.INT64),
                manager.ones(shape, DataType.INT64),
                manager.zeros(shape, DataType.INT64),
                manager.randomInteger(0, LABELS, new Shape(batch), DataType.INT64));
    }

    static BenchResult train(BenchSettings settings, NDManager manager) {
        BertForSequenceClassification model = model(manager);
        ParameterStore store = new ParameterStore(manager, false);
        try (AdamW adamW = AdamW.builder()
                .setParameters(StateDict.of(model))
                .setSchedule(LearningRateSchedule.constant(LR))
                .optWeightDecay(WEIGHT_DECAY)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .build()) {
            TrainingBench.Timed times = TrainingBench.time(settings, batch(manager, TRAIN_BATCH, LENGTH), batch -> {
                BertInput input = BertInput.of(batch.get(0), batch.get(1), batch.get(2));
                return model.loss(model.forward(store, input, true).logits(), batch.get(3));
            }, adamW, manager);
            double tokensPerSecond = (double) TRAIN_BATCH * LENGTH / times.wall().medianSeconds();
            double flops = trainFlopsPerToken(LENGTH);
            JsonObject extras = new JsonObject();
            extras.addProperty("flops_per_token", flops);
            extras.addProperty("flops_formula", "3 L (8 H^2 + 4 H I + 4 T H)");
            extras.addProperty("gflops", BenchResult.round(tokensPerSecond * flops / 1e9));
            return Benchmarks.result(Workload.BERT_TRAIN, tokensPerSecond, settings, times.wall(), times.cpu(),
                    extras);
        }
    }

    static BenchResult infer(BenchSettings settings, NDManager manager) {
        TrainingBench.Timed times = timeInference(settings, manager, INFER_BATCH, LENGTH);
        return Benchmarks.result(Workload.BERT_INFER, INFER_BATCH / times.wall().medianSeconds(), settings,
                times.wall(), times.cpu(), new JsonObject());
    }

    static BenchResult latency(BenchSettings settings, NDManager manager) {
        TrainingBench.Timed times = timeInference(settings, manager, 1, LATENCY_LENGTH);
        StepTimes wall = times.wall();
        JsonObject extras = new JsonObject();
        extras.addProperty("p50_ms", BenchResult.round(wall.quantileMillis(0.5)));
        extras.addProperty("p99_ms", BenchResult.round(wall.quantileMillis(0.99)));
        return Benchmarks.result(Workload.BERT_LATENCY, wall.quantileMillis(0.5), settings, wall, times.cpu(),
                extras);
    }

    /** Forward passes without gradient recording or dropout, each in its own scope. */
    private static TrainingBench.Timed timeInference(BenchSettings settings, NDManager manager, int batchSize,
            int length) {
        BertForSequenceClassification model = model(manager);
        ParameterStore store = new ParameterStore(manager, false);
        NDList batch = batch(manager, batchSize, length);
        List<Long> nanos = new ArrayList<>();
        List<Long> cpuNanos = new ArrayList<>();
        return Gradients.withoutRecording(() -> {
            for (int i = 0; i < settings.totalSteps(); i++) {
                try (NDManager scope = manager.newSubManager()) {
                    batch.tempAttach(scope);
                    Benchmarks.profileBefore(settings, i);
                    long start = System.nanoTime();
                    long cpuStart = ProcessCpu.nanos();
                    BertInput input = BertInput.of(batch.get(0), batch.get(1), batch.get(2));
                    NDArray logits = model.forward(store, input, false).logits();
                    logits.getFloat(0, 0);
                    long elapsed = System.nanoTime() - start;
                    long cpu = ProcessCpu.nanos() - cpuStart;
                    Benchmarks.profileAfter(settings, i);
                    if (i >= settings.warmup()) {
                        nanos.add(elapsed);
                        cpuNanos.add(cpu);
                    }
                }
            }
            return new TrainingBench.Timed(new StepTimes(nanos.stream().mapToLong(Long::longValue).toArray()),
                    new StepTimes(cpuNanos.stream().mapToLong(Long::longValue).toArray()));
        });
    }
}
