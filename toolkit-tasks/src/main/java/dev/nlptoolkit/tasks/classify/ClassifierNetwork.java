package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.weights.BlockDirectory;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A classifier Block with the tokenizer and labels it was trained with, and how to write them as a
 * model directory: the pieces that training, prediction and evaluation share.
 */
sealed interface ClassifierNetwork extends AutoCloseable permits BertNetwork, ScratchNetwork {

    /** {@code config.json}'s {@code model_type} for Hugging Face BERT checkpoints. */
    String BERT_MODEL_TYPE = "bert";

    ModelKind kind();

    TextClassifier model();

    TextTokenizer tokenizer();

    LabelMap labels();

    /** The most tokens per input, special tokens included, that the tokenizer keeps: the limit it trained at. */
    int maxLength();

    /** The token id that stands for a text without tokens (see {@link EncodedText#encode}). */
    long emptyTextId();

    /** Writes config.json, model.safetensors and the tokenizer's files into {@code dir}. */
    void save(Path dir) throws IOException;

    @Override
    void close();

    /** Loads a model directory: a Hugging Face BERT classifier or one this toolkit saved. */
    static ClassifierNetwork load(Path dir, NDManager manager) throws IOException, CheckpointException {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(dir, "is not a model directory");
        }
        JsonObject config = ModelDirectory.open(dir).config();
        String type = BlockDirectory.modelType(config);
        if (BERT_MODEL_TYPE.equals(type)) {
            return BertNetwork.load(dir, manager);
        }
        if (ScratchNetwork.MODEL_TYPE.equals(type)) {
            return ScratchNetwork.load(dir, config, manager);
        }
        throw new CheckpointException(dir.resolve(ModelDirectory.CONFIG_FILE), "model_type '" + type
                + "' is not supported: this toolkit loads Hugging Face BERT classifiers ('" + BERT_MODEL_TYPE
                + "') and the models it trains ('" + ScratchNetwork.MODEL_TYPE + "')");
    }
}
