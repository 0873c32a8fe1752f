package dev.nlptoolkit.models.seq2seq;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import com.google.gson.JsonObject;

/** Builds the translation models from their configs, and initialises them. */
public final class Seq2SeqModels {

    /** Parameter shapes do not depend on batch or length: one token of one row is enough to initialise. */
    private static final Shape ONE_TOKEN = new Shape(1, 1);

    private Seq2SeqModels() {}

    /**
     * Reads a config written by {@link Seq2SeqConfig#toJson()} (or by hand), picking the record by
     * {@value Seq2SeqConfig#MODEL_TYPE}.
     *
     * @throws IllegalArgumentException if the model type is unknown, a key is unknown or missing, or a
     *     value is out of range; the message says which and how to fix it
     */
    public static Seq2SeqConfig readConfig(JsonObject json) {
        return switch (Seq2SeqConfigJson.TYPES.type(json)) {
            case LSTM_ATTENTION -> LstmAttentionSeq2Seq.Config.fromJson(json);
            case TRANSFORMER -> TransformerSeq2Seq.Config.fromJson(json);
        };
    }

    /** The uninitialised Block a JSON config describes; see {@link #readConfig}. */
    public static Seq2SeqModel create(JsonObject json) {
        return create(readConfig(json));
    }

    /** The uninitialised Block {@code config} describes. */
    public static Seq2SeqModel create(Seq2SeqConfig config) {
        // each model type has exactly one config record (Seq2SeqConfig is sealed)
        return switch (config.modelType()) {
            case LSTM_ATTENTION -> LstmAttentionSeq2Seq.builder().setConfig((LstmAttentionSeq2Seq.Config) config)
                    .build();
            case TRANSFORMER -> TransformerSeq2Seq.builder().setConfig((TransformerSeq2Seq.Config) config).build();
        };
    }

    /** Draws the parameters of {@code model} in {@code manager} as float32; seed the engine first. */
    public static void initialize(Seq2SeqModel model, NDManager manager) {
        model.initialize(manager, DataType.FLOAT32, ONE_TOKEN, ONE_TOKEN, ONE_TOKEN, ONE_TOKEN);
    }

    /** {@link #create(Seq2SeqConfig)} then {@link #initialize}. */
    public static Seq2SeqModel createInitialized(Seq2SeqConfig config, NDManager manager) {
        Seq2SeqModel model = create(config);
        initialize(model, manager);
        return model;
    }
}
