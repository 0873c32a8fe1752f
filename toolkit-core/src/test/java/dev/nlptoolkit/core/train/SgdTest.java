package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;

import org.junit.jupiter.api.Test;

import java.util.Map;

/**
 * SGD against src/test/python/optimizer_reference.py (numpy float32 following torch.optim.SGD),
 * with the gradients and learning rates of {@link AdamWTest}.
 */
class SgdTest {

    private static final float TOLERANCE = 1e-7f;
    private static final float[] EXPECTED_PLAIN = {
        0.488000005f, -1.19199991f, 1.83800006f, 0.893999994f, -0.296000004f, 1.00950003f
    };
    private static final float[] EXPECTED_MOMENTUM = {
        0.476840019f, -1.15275991f, 1.73540008f, 0.998400033f, -0.290060014f, 0.949919999f
    };

    private static float[] train(double momentum) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> params = AdamWTest.model(manager);
            try (Sgd sgd = Sgd.builder()
                    .setParameters(params)
                    .setSchedule(step -> AdamWTest.LR[(int) step])
                    .optMomentum(momentum)
                    .build()) {
                for (int step = 0; step < AdamWTest.LR.length; step++) {
                    AdamWTest.gradients(manager, params, step);
                    sgd.step();
                }
            }
            return TestParameters.values(params.get("layer.weight"));
        }
    }

    @Test
    void plainStepsMatchTorchArithmetic() {
        assertArrayEquals(EXPECTED_PLAIN, train(0), TOLERANCE);
    }

    @Test
    void momentumStepsMatchTorchArithmetic() {
        assertArrayEquals(EXPECTED_MOMENTUM, train(0.9), TOLERANCE);
    }
}
