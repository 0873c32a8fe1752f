package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.data.Batch;

import java.util.List;

/**
 * Inputs tokenised ahead of inference and grouped into batches of similar token length, made by
 * {@link ClassifierModel#encode} and run by {@link ClassifierModel#predict(EncodedInputs)}. Encoding
 * touches only the tokenizer, so one thread can encode the next inputs while another runs the model.
 */
public final class EncodedInputs {

    private final int size;
    private final List<Batch<EncodedText>> batches;

    EncodedInputs(int size, List<Batch<EncodedText>> batches) {
        this.size = size;
        this.batches = batches;
    }

    /** The number of inputs. */
    public int size() {
        return size;
    }

    /** The number of forward passes {@link ClassifierModel#predict(EncodedInputs)} will make. */
    public int batchCount() {
        return batches.size();
    }

    List<Batch<EncodedText>> batches() {
        return batches;
    }
}
