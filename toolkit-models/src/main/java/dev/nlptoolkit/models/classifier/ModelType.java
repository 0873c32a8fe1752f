package dev.nlptoolkit.models.classifier;

import java.util.Arrays;
import java.util.Locale;

/** The classifier architectures trained from scratch, by the name used in configs ({@code model_type}). */
public enum ModelType {
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
    public String configName() {
        return configName;
    }

    /**
     * The model type called {@code name} in a config.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them
     */
    public static ModelType fromConfigName(String name) {
        String wanted = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(t -> t.configName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown model_type '" + name + "': use one of "
                        + Arrays.stream(values()).map(ModelType::configName).toList()));
    }
}
