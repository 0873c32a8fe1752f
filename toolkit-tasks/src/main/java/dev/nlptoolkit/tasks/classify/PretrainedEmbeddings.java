package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.checkpoint.TensorInfo;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.weights.StateDict;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer and word-embedding matrix of a Hugging Face checkpoint directory (e.g. all-MiniLM-L6-v2),
 * to start a model trained from scratch from: its {@code tokenizer.json} becomes the model's tokenizer
 * and the matrix's rows of the pieces the model uses ({@link TableRowTokenizer}) its initial embedding
 * table (Kim 2014's "non-static" when trained on, "static" when frozen).
 *
 * @param directory the checkpoint directory
 * @param tensor the name of the word-embedding matrix in its safetensors
 * @param rows V, the matrix's rows: the from-scratch model's vocabulary size
 * @param columns E, the embedding size
 */
record PretrainedEmbeddings(Path directory, String tensor, int rows, int columns) {

    /** The word embeddings of BERT-family checkpoints: a bare encoder's name, then a task model's. */
    static final List<String> TENSOR_NAMES =
            List.of("embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight");
    /** The from-scratch classifiers' embedding table, by StateDict name. */
    static final String EMBEDDING_PARAMETER = "embedding.weight";

    /**
     * Finds the tokenizer and the word-embedding matrix of {@code directory}; reads headers only.
     *
     * @throws CheckpointException naming the file when the tokenizer or the matrix is missing or the
     *     matrix is not 2-D floating point
     */
    static PretrainedEmbeddings open(Path directory) throws CheckpointException {
        Path tokenizer = directory.resolve(HfTokenizer.TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizer)) {
            throw new CheckpointException(tokenizer, "is missing; --init-embeddings needs a Hugging Face directory"
                    + " with the tokenizer.json of its embeddings");
        }
        ModelDirectory checkpoint = ModelDirectory.open(directory);
        for (String name : TENSOR_NAMES) {
            for (SafetensorsHeader header : checkpoint.headers()) {
                TensorInfo info = header.tensors().get(name);
                if (info == null) {
                    continue;
                }
                long[] shape = info.shape();
                DataType type = info.dtype().djlType();
                if (shape.length != 2 || type == null || !type.isFloating()) {
                    throw new CheckpointException(header.file(), name, "is " + info.dtype() + " "
                            + new Shape(shape) + "; word embeddings are a 2-D floating-point (V, E) matrix");
                }
                return new PretrainedEmbeddings(directory, name, Math.toIntExact(shape[0]), Math.toIntExact(shape[1]));
            }
        }
        throw new CheckpointException(directory, "holds none of " + TENSOR_NAMES
                + ": --init-embeddings reads the word embeddings of a BERT-family checkpoint");
    }

    /** The checkpoint's {@code tokenizer.json}, truncating to {@code maxLength} tokens. */
    HfTokenizer tokenizer(int maxLength) throws IOException, CheckpointException {
        Path file = directory.resolve(HfTokenizer.TOKENIZER_FILE);
        HfTokenizer tokenizer = HfTokenizer.builder().setPath(file).optMaxLength(maxLength).build();
        if (tokenizer.vocabularySize() > rows) {
            tokenizer.close();
            throw new CheckpointException(file, "has " + tokenizer.vocabularySize() + " tokens but " + tensor
                    + " only " + rows + " rows: the tokenizer and the embeddings are not from the same model");
        }
        return tokenizer;
    }

    /**
     * Copies rows {@code pieces} of the matrix, in that order, into {@code model}'s embedding table,
     * whose shape must be (pieces, E).
     */
    void copyInto(TextClassifier model, long[] pieces, NDManager manager) throws CheckpointException {
        Parameter table = StateDict.of(model).get(EMBEDDING_PARAMETER);
        Shape expected = new Shape(pieces.length, columns);
        if (table == null || !table.getArray().getShape().equals(expected)) {
            throw new IllegalStateException("the model's " + EMBEDDING_PARAMETER + " is not " + expected);
        }
        try (NDManager scratch = manager.newSubManager()) {
            float[] all = ModelDirectory.open(directory).readWeights(scratch).get(tensor)
                    .toType(DataType.FLOAT32, false).toFloatArray();
            float[] rowsOfTable = new float[pieces.length * columns];
            for (int r = 0; r < pieces.length; r++) {
                System.arraycopy(all, Math.toIntExact(pieces[r] * columns), rowsOfTable, r * columns, columns);
            }
            scratch.create(rowsOfTable, expected).toType(table.getArray().getDataType(), false)
                    .copyTo(table.getArray());
        }
    }

    /** Where the embeddings came from, for config.json and training.json. */
    JsonObject provenance(boolean frozen, int tableRows) {
        JsonObject json = new JsonObject();
        json.addProperty("directory", directory.toAbsolutePath().normalize().toString());
        json.addProperty("tensor", tensor);
        JsonArray shape = new JsonArray();
        shape.add(rows);
        shape.add(columns);
        json.add("shape", shape);
        json.addProperty("table_rows", tableRows);
        json.addProperty("frozen", frozen);
        return json;
    }
}
