package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import dev.nlptoolkit.core.checkpoint.CheckpointException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * AdamW (libtorch's fused kernel) against values computed by src/test/python/optimizer_reference.py:
 * numpy in float32, following torch.optim.AdamW's default single-tensor CPU code operation by
 * operation (weight decay 0.1, betas 0.9/0.999, eps 1e-8, learning rates 0.1, 0.05, 0.02 over three
 * steps, bias excluded from decay). The fused kernel rounds differently in places; here it agrees to
 * within 1e-7.
 */
class AdamWTest {

    static final float[] W0 = {0.5f, -1.25f, 2.0f, 0.75f, -0.3f, 1.1f};
    static final float[] B0 = {0.1f, -0.2f, 0.3f};
    static final float[][] GW = {
        {0.3f, -0.7f, 1.5f, -2.0f, 0.05f, 0.9f},
        {-0.4f, 0.2f, 0.6f, 1.0f, -0.5f, 0.25f},
        {0.1f, 0.1f, -0.9f, 0.3f, 0.8f, -0.6f}
    };
    static final float[][] GB = {{0.5f, -0.25f, 1.0f}, {-1.5f, 0.75f, 0.125f}, {0.2f, -0.1f, 0.4f}};
    static final double[] LR = {0.1, 0.05, 0.02};
    private static final float TOLERANCE = 1e-7f;

    private static final float[] EXPECTED_WEIGHT = {
        0.402321398f, -1.10261178f, 1.81610882f, 0.85228169f, -0.365883827f, 0.935852349f
    };
    private static final float[] EXPECTED_BIAS = {0.030685069f, -0.130685076f, 0.146541983f};
    private static final float[] EXPECTED_EXP_AVG_WEIGHT = {
        -0.00169999956f, -0.0286999959f, 0.0855000019f, -0.0419999994f, 0.0390500017f, 0.0353999957f
    };
    private static final float[] EXPECTED_EXP_AVG_SQ_WEIGHT = {
        0.000259660097f, 0.00053898053f, 0.00341514219f, 0.00508100446f, 0.000892245036f, 0.00123081834f
    };

    static Map<String, Parameter> model(NDManager manager) {
        return TestParameters.named(
                TestParameters.parameter("layer.weight", manager.create(W0, new Shape(2, 3))),
                TestParameters.parameter("layer.bias", manager.create(B0)));
    }

    static void gradients(NDManager manager, Map<String, Parameter> params, int step) {
        TestParameters.setGradients(manager, params, Map.of("layer.weight", GW[step], "layer.bias", GB[step]));
    }

    private static AdamW adamW(Map<String, Parameter> params) {
        return AdamW.builder()
                .setParameters(params)
                .setSchedule(step -> LR[(int) step])
                .optWeightDecay(0.1)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                .build();
    }

    @Test
    void threeStepsMatchTorchArithmetic(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            try (AdamW opt = adamW(params)) {
                for (int step = 0; step < LR.length; step++) {
                    assertEquals(LR[step], opt.learningRate());
                    gradients(manager, params, step);
                    opt.step();
                }
                assertEquals(3, opt.stepCount());
                assertArrayEquals(EXPECTED_WEIGHT, TestParameters.values(params.get("layer.weight")), TOLERANCE);
                assertArrayEquals(EXPECTED_BIAS, TestParameters.values(params.get("layer.bias")), TOLERANCE);
                Path file = dir.resolve("adamw.safetensors");
                opt.saveState(file);
                Map<String, ai.djl.ndarray.NDArray> saved =
                        dev.nlptoolkit.core.checkpoint.SafeTensors.read(file, manager);
                assertArrayEquals(EXPECTED_EXP_AVG_WEIGHT, saved.get("exp_avg.layer.weight").toFloatArray(), TOLERANCE);
                assertArrayEquals(
                        EXPECTED_EXP_AVG_SQ_WEIGHT, saved.get("exp_avg_sq.layer.weight").toFloatArray(), TOLERANCE);
                assertEquals(3L, saved.get("step.layer.bias").getLong());
                try (ai.djl.ndarray.NDArray gradient = Gradients.of(params.get("layer.weight").getArray())) {
                    assertArrayEquals(GW[2], gradient.toFloatArray(), "the update leaves the gradient as it was");
                }
            }
        }
    }

    @Test
    void savedStateResumesBitIdentically(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> straight = model(manager);
            try (AdamW opt = adamW(straight)) {
                for (int step = 0; step < LR.length; step++) {
                    gradients(manager, straight, step);
                    opt.step();
                }
            }
            Map<String, Parameter> resumed = model(manager);
            Path file = dir.resolve("state.safetensors");
            try (AdamW first = adamW(resumed)) {
                gradients(manager, resumed, 0);
                first.step();
                first.saveState(file);
            }
            try (AdamW second = adamW(resumed)) {
                second.loadState(file);
                assertEquals(1, second.stepCount());
                for (int step = 1; step < LR.length; step++) {
                    gradients(manager, resumed, step);
                    second.step();
                }
            }
            for (String name : straight.keySet()) {
                assertArrayEquals(TestParameters.values(straight.get(name)), TestParameters.values(resumed.get(name)));
            }
        }
    }

    @Test
    void scaledParameterLearnsAsUnderAScaledScheduleAndTheOthersAsBefore(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> grouped = model(manager);
            Map<String, Parameter> slower = model(manager);
            try (AdamW opt = AdamW.builder()
                    .setParameters(grouped)
                    .setSchedule(step -> LR[(int) step])
                    .optWeightDecay(0.1)
                    .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                    .optLearningRateScales(Map.of("layer.weight", 0.25))
                    .build();
                    AdamW reference = AdamW.builder()
                            .setParameters(slower)
                            .setSchedule(step -> LR[(int) step] * 0.25)
                            .optWeightDecay(0.1)
                            .optDecayFilter(AdamW.decayExceptBiasAndNorm())
                            .build()) {
                for (int step = 0; step < LR.length; step++) {
                    gradients(manager, grouped, step);
                    gradients(manager, slower, step);
                    assertEquals(LR[step], opt.learningRate());
                    opt.step();
                    reference.step();
                }
                assertArrayEquals(TestParameters.values(slower.get("layer.weight")),
                        TestParameters.values(grouped.get("layer.weight")));
                assertFalse(java.util.Arrays.equals(EXPECTED_WEIGHT, TestParameters.values(grouped.get("layer.weight"))));
                assertArrayEquals(EXPECTED_BIAS, TestParameters.values(grouped.get("layer.bias")), TOLERANCE);
                Path file = dir.resolve("grouped.safetensors");
                opt.saveState(file);
                assertEquals("0.25", dev.nlptoolkit.core.checkpoint.SafetensorsHeader.read(file).metadata()
                        .get("lr_scale.layer.weight"));
            }
        }
    }

    @Test
    void learningRateScaleMustNameAParameterAndBeFinite() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> AdamW.builder()
                    .setParameters(params).setSchedule(LearningRateSchedule.constant(1))
                    .optLearningRateScales(Map.of("embedding.weight", 0.1)).build());
            assertTrue(unknown.getMessage().contains("'embedding.weight'"), unknown.getMessage());
            IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> AdamW.builder()
                    .setParameters(params).setSchedule(LearningRateSchedule.constant(1))
                    .optLearningRateScales(Map.of("layer.weight", -1.0)).build());
            assertTrue(negative.getMessage().contains("-1.0"), negative.getMessage());
        }
    }

    /**
     * A (4, 3) table: rows 0 and 1 hold {@link #W0} and get its gradients, rows 2 and 3 get none, as the
     * rows of an embedding table that the training data never uses.
     */
    private static Map<String, Parameter> table(NDManager manager) {
        float[] values = java.util.Arrays.copyOf(W0, 12);
        for (int i = W0.length; i < values.length; i++) {
            values[i] = 0.1f * i - 0.55f;
        }
        return TestParameters.named(
                TestParameters.parameter("table.weight", manager.create(values, new Shape(4, 3))),
                TestParameters.parameter("layer.bias", manager.create(B0)));
    }

    private static float[] rowsOfTable(int step) {
        return java.util.Arrays.copyOf(GW[step], 12);
    }

    private static AdamW trainingTwoRows(Map<String, Parameter> params) {
        return AdamW.builder().setParameters(params).setSchedule(step -> LR[(int) step]).optWeightDecay(0.1)
                .optDecayFilter(AdamW.decayExceptBiasAndNorm()).optTrainedRows(Map.of("table.weight", 2L)).build();
    }

    @Test
    void trainedRowsLearnAsTheWholeParameterWouldAndTheOthersKeepTheirValues(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = table(manager);
            float[] before = TestParameters.values(params.get("table.weight"));
            try (AdamW opt = trainingTwoRows(params)) {
                for (int step = 0; step < LR.length; step++) {
                    TestParameters.setGradients(manager, params,
                            Map.of("table.weight", rowsOfTable(step), "layer.bias", GB[step]));
                    opt.step();
                }
                float[] after = TestParameters.values(params.get("table.weight"));
                assertArrayEquals(EXPECTED_WEIGHT, java.util.Arrays.copyOf(after, 6), TOLERANCE,
                        "rows 0 and 1 follow torch's AdamW on the 2 x 3 weight of the fixture");
                assertArrayEquals(java.util.Arrays.copyOfRange(before, 6, 12),
                        java.util.Arrays.copyOfRange(after, 6, 12), "rows 2 and 3 are neither updated nor decayed");
                assertArrayEquals(EXPECTED_BIAS, TestParameters.values(params.get("layer.bias")), TOLERANCE);
                Path file = dir.resolve("rows.safetensors");
                opt.saveState(file);
                Map<String, ai.djl.ndarray.NDArray> saved =
                        dev.nlptoolkit.core.checkpoint.SafeTensors.read(file, manager);
                assertArrayEquals(EXPECTED_EXP_AVG_WEIGHT, saved.get("exp_avg.table.weight").toFloatArray(),
                        TOLERANCE);
                assertEquals(new Shape(2, 3), saved.get("exp_avg_sq.table.weight").getShape());
                assertEquals("2", dev.nlptoolkit.core.checkpoint.SafetensorsHeader.read(file).metadata()
                        .get("trained_rows.table.weight"));
            }
        }
    }

    @Test
    void stateWithTrainedRowsResumesBitIdenticallyAndOnlyWithTheSameRows(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> straight = table(manager);
            try (AdamW opt = trainingTwoRows(straight)) {
                for (int step = 0; step < LR.length; step++) {
                    TestParameters.setGradients(manager, straight, Map.of("table.weight", rowsOfTable(step)));
                    opt.step();
                }
            }
            Map<String, Parameter> resumed = table(manager);
            Path file = dir.resolve("state.safetensors");
            try (AdamW first = trainingTwoRows(resumed)) {
                TestParameters.setGradients(manager, resumed, Map.of("table.weight", rowsOfTable(0)));
                first.step();
                first.saveState(file);
            }
            try (AdamW second = trainingTwoRows(resumed)) {
                second.loadState(file);
                for (int step = 1; step < LR.length; step++) {
                    TestParameters.setGradients(manager, resumed, Map.of("table.weight", rowsOfTable(step)));
                    second.step();
                }
            }
            assertArrayEquals(TestParameters.values(straight.get("table.weight")),
                    TestParameters.values(resumed.get("table.weight")));
            try (AdamW allRows = adamW(table(manager))) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> allRows.loadState(file));
                assertTrue(e.getMessage().contains(
                        "was saved training 2 rows of 'table.weight', this optimizer trains all"), e.getMessage());
            }
        }
    }

    @Test
    void trainedRowsMustNameAParameterAndFitItsFirstAxis() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = table(manager);
            String unknown = refused(params, Map.of("embedding.weight", 2L)).getMessage();
            assertTrue(unknown.contains("'embedding.weight', which is not among"), unknown);
            String tooMany = refused(params, Map.of("table.weight", 5L)).getMessage();
            assertTrue(tooMany.contains("must lie in [1, 4] for its shape (4, 3), got 5"), tooMany);
        }
    }

    private static IllegalArgumentException refused(Map<String, Parameter> params, Map<String, Long> rows) {
        return assertThrows(IllegalArgumentException.class, () -> AdamW.builder().setParameters(params)
                .setSchedule(LearningRateSchedule.constant(0.1)).optTrainedRows(rows).build());
    }

    @Test
    void parametersWithoutGradientAreNotUpdated() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            try (AdamW opt = adamW(params)) {
                TestParameters.setGradients(manager, params, Map.of("layer.bias", GB[0]));
                opt.step();
            }
            assertArrayEquals(W0, TestParameters.values(params.get("layer.weight")));
        }
    }

    @Test
    void loadRejectsUnknownParameterAndOtherOptimizer(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            Path file = dir.resolve("state.safetensors");
            try (AdamW opt = adamW(params)) {
                gradients(manager, params, 0);
                opt.step();
                opt.saveState(file);
            }
            Map<String, Parameter> other = TestParameters.named(
                    TestParameters.parameter("other.weight", manager.create(W0, new Shape(2, 3))));
            try (AdamW opt = adamW(other)) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.loadState(file));
                assertTrue(e.getMessage().contains("layer."), e.getMessage());
                assertEquals(0, opt.stepCount());
            }
            try (Sgd sgd = Sgd.builder().setParameters(params).setSchedule(LearningRateSchedule.constant(1)).build()) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> sgd.loadState(file));
                assertTrue(e.getMessage().contains("AdamW"), e.getMessage());
            }
        }
    }

    @Test
    void loadRefusesStateSavedWithOtherHyperParametersOrScales(@TempDir Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            Path file = dir.resolve("state.safetensors");
            try (AdamW opt = AdamW.builder().setParameters(params).setSchedule(LearningRateSchedule.constant(0.1))
                    .optLearningRateScales(Map.of("layer.weight", 0.25)).build()) {
                gradients(manager, params, 0);
                opt.step();
                opt.saveState(file);
            }
            try (AdamW same = AdamW.builder().setParameters(params).setSchedule(LearningRateSchedule.constant(0.1))
                    .optLearningRateScales(Map.of("layer.weight", 0.25)).build()) {
                same.loadState(file);
                assertEquals(1, same.stepCount());
            }
            try (AdamW unscaled = AdamW.builder().setParameters(params)
                    .setSchedule(LearningRateSchedule.constant(0.1)).build()) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> unscaled.loadState(file));
                assertTrue(e.getMessage().contains(
                        "learning-rate scale 0.25 for 'layer.weight', this optimizer has 1.0"), e.getMessage());
                assertEquals(0, unscaled.stepCount());
            }
            try (AdamW otherDecay = AdamW.builder().setParameters(params)
                    .setSchedule(LearningRateSchedule.constant(0.1)).optLearningRateScales(Map.of("layer.weight", 0.25)).optWeightDecay(0.2).build()) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> otherDecay.loadState(file));
                assertTrue(e.getMessage().contains("weight_decay 0.01, this optimizer has 0.2"), e.getMessage());
            }
        }
    }

    @Test
    void defaultDecayFilterSparesBiasesAndNorms() {
        var filter = AdamW.decayExceptBiasAndNorm();
        assertTrue(filter.test("encoder.layer.0.attention.self.query.weight"));
        assertFalse(filter.test("encoder.layer.0.attention.self.query.bias"));
        assertFalse(filter.test("embeddings.LayerNorm.weight"));
        assertFalse(filter.test("decoder.layer_norm.weight"));
        assertFalse(filter.test("final_norm.weight"));
    }

    /** Regression: {@code endsWith("bias")} decayed torch-named recurrent biases in 4 of 6 model kinds. */
    @Test
    void defaultDecayFilterSparesRecurrentAndOtherBiases() {
        var filter = AdamW.decayExceptBiasAndNorm();
        for (String bias : List.of("lstm.bias_ih_l0", "lstm.bias_hh_l0_reverse", "rnn.bias_hh_l1",
                "self_attn.in_proj_bias", "cell.i2hBias", "norm.gamma", "norm.beta")) {
            assertFalse(filter.test(bias), bias);
        }
        assertTrue(filter.test("lstm.weight_ih_l0"));
        assertTrue(filter.test("lstm.weight_hh_l0_reverse"));
        assertTrue(filter.test("embedding.weight"));
    }

    /** Regression: the step count was stored as float32 (exact to 2^24) and a missing one read as 0 updates. */
    @Test
    void updateCountsAreStoredExactlyAndAMissingOneIsAnError(@TempDir Path dir) throws Exception {
        long big = (1L << 24) + 1;
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = model(manager);
            Path file = dir.resolve("state.safetensors");
            Map<String, ai.djl.ndarray.NDArray> tensors = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                tensors.put("step." + e.getKey(), manager.create(big));
                tensors.put("exp_avg." + e.getKey(), e.getValue().getArray().zerosLike());
                tensors.put("exp_avg_sq." + e.getKey(), e.getValue().getArray().zerosLike());
            }
            dev.nlptoolkit.core.checkpoint.SafeTensors.write(file, tensors,
                    Map.of("optimizer", "AdamW", "step", Long.toString(big)));
            Path again = dir.resolve("again.safetensors");
            try (AdamW opt = adamW(params)) {
                opt.loadState(file);
                assertEquals(big, opt.stepCount());
                opt.saveState(again);
            }
            Map<String, ai.djl.ndarray.NDArray> saved = dev.nlptoolkit.core.checkpoint.SafeTensors.read(again, manager);
            assertEquals(ai.djl.ndarray.types.DataType.INT64, saved.get("step.layer.bias").getDataType());
            assertEquals(big, saved.get("step.layer.bias").getLong());

            tensors.remove("step.layer.bias");
            dev.nlptoolkit.core.checkpoint.SafeTensors.write(file, tensors,
                    Map.of("optimizer", "AdamW", "step", Long.toString(big)));
            try (AdamW opt = adamW(params)) {
                CheckpointException e = assertThrows(CheckpointException.class, () -> opt.loadState(file));
                assertEquals("step.layer.bias", e.tensor());
                assertEquals(0, opt.stepCount());
            }
        }
    }
}
