package dev.nlptoolkit.models.classifier;

import dev.nlptoolkit.core.config.ConfigName;

/** The classifier architectures trained from scratch, by the name used in configs ({@code model_type}). */
public enum ModelType implements ConfigName {
    RNN("rnn"),
    LSTM("lstm"),
    BILSTM_ATTENTION("bilstm-attention"),
    RCNN("rcnn"),
    CNN("cnn"),
    TRANSFORMER("transformer");

    private final String configName;

    ModelType(String configName) {
        this.configName = configName;
    }

    /** The {@code model_type} string of configs. */
    @Override
    public String configName() {
        return configName;
    }
}
