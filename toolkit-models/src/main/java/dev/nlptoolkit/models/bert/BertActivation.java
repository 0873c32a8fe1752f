package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;

import dev.nlptoolkit.core.config.ConfigName;
import dev.nlptoolkit.models.transformer.Activation;

/** The feed-forward activations a BERT {@code config.json} may name in {@code hidden_act}, by that name. */
public enum BertActivation implements ConfigName {
    /** Exact GELU, x * Phi(x) with the erf form of the normal CDF ({@code torch.nn.functional.gelu}). */
    GELU("gelu", Activation.GELU),
    /** The tanh approximation of GELU used by the original TensorFlow BERT (Hendrycks and Gimpel 2016). */
    GELU_NEW("gelu_new", Activation.GELU_TANH),
    RELU("relu", Activation.RELU);

    private final String configName;
    private final Activation activation;

    BertActivation(String configName, Activation activation) {
        this.configName = configName;
        this.activation = activation;
    }

    /** The name used in {@code config.json}. */
    @Override
    public String configName() {
        return configName;
    }

    public NDArray apply(NDArray x) {
        return activation.apply(x);
    }
}
