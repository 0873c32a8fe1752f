package dev.nlptoolkit.models.seq2seq;

import java.util.Arrays;
import java.util.Locale;

/** The translation architectures, by the name used in configs ({@code model_type}) and on the command line. */
public enum Seq2SeqModelType {
    LSTM_ATTENTION("lstm-attention"),
    TRANSFORMER("transformer");

    private final String configName;

    Seq2SeqModelType(String configName) {
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
    public static Seq2SeqModelType fromConfigName(String name) {
        String wanted = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(t -> t.configName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown seq2seq model_type '" + name
                        + "': use one of " + Arrays.stream(values()).map(Seq2SeqModelType::configName).toList()));
    }
}
