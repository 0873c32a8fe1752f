package dev.nlptoolkit.models.seq2seq;

import dev.nlptoolkit.core.config.ConfigName;

/** The translation architectures, by the name used in configs ({@code model_type}) and on the command line. */
public enum Seq2SeqModelType implements ConfigName {
    LSTM_ATTENTION("lstm-attention"),
    TRANSFORMER("transformer");

    private final String configName;

    Seq2SeqModelType(String configName) {
        this.configName = configName;
    }

    /** The {@code model_type} string of configs. */
    @Override
    public String configName() {
        return configName;
    }
}
