package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The feed-forward activations a BERT {@code config.json} may name in {@code hidden_act}. */
public enum BertActivation {
    /** Exact GELU, x * Phi(x) with the erf form of the normal CDF ({@code torch.nn.functional.gelu}). */
    GELU("gelu"),
    /** The tanh approximation of GELU used by the original TensorFlow BERT (Hendrycks and Gimpel 2016). */
    GELU_NEW("gelu_new"),
    RELU("relu");

    /** sqrt(2 / pi), the scale inside the tanh approximation. */
    private static final double TANH_SCALE = Math.sqrt(2 / Math.PI);
    /** Cubic coefficient of the tanh approximation. */
    private static final double CUBIC = 0.044715;

    private final String configName;

    BertActivation(String configName) {
        this.configName = configName;
    }

    /** The name used in {@code config.json}. */
    public String configName() {
        return configName;
    }

    /** The activation named {@code name} in {@code config.json}; the error lists the supported names. */
    public static BertActivation fromConfigName(String name) {
        for (BertActivation a : values()) {
            if (a.configName.equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "hidden_act '" + name + "' is not supported; use one of "
                        + Arrays.stream(values()).map(BertActivation::configName).collect(Collectors.joining(", ")));
    }

    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> Activation.gelu(x);
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            case GELU_NEW -> x.mul(0.5).mul(x.add(x.pow(3).mul(CUBIC)).mul(TANH_SCALE).tanh().add(1));
            case RELU -> Activation.relu(x);
        };
    }
}
