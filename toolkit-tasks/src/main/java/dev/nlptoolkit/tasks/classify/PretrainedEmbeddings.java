package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.checkpoint.TensorInfo;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.train.Gradients;
import dev.nlptoolkit.models.bert.BertCheckpoint;
import dev.nlptoolkit.models.bert.BertConfig;
import dev.nlptoolkit.models.bert.BertInput;
import dev.nlptoolkit.models.bert.BertModel;
import dev.nlptoolkit.models.classifier.TextClassifier;
import dev.nlptoolkit.models.weights.StateDict;
import dev.nlptoolkit.models.weights.WeightMismatchException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer and word-embedding matrix of a Hugging Face checkpoint directory (e.g. all-MiniLM-L6-v2),
 * to start a model trained from scratch from: its {@code tokenizer.json} becomes the model's tokenizer
 * and the matrix's rows, reordered so that the pieces of the training data come first
 * ({@link TableRowTokenizer}), its initial embedding table (Kim 2014's "non-static" when trained on,
 * "static" when frozen).
 *
 * <p>With {@code layer} L above 0 a row is instead what the checkpoint's encoder makes of its piece
 * alone: the output of layer L at the piece in {@code [CLS] piece [SEP]} (model2vec distils static
 * vectors likewise, passing each token of a vocabulary through a sentence encoder). For {@code cnn} on
 * all-MiniLM-L6-v2, layer 2 beat the input matrix on TREC and SST-2 (the README's issue-13 table). The
 * rows are rescaled to the mean length of the matrix rows they replace, the scale the from-scratch
 * models' initialisation and learning rates were chosen for (all-MiniLM-L6-v2's layer outputs are about
 * 10 times longer).
 *
 * @param directory the checkpoint directory
 * @param tensor the name of the word-embedding matrix in its safetensors
 * @param rows V, the matrix's rows: the from-scratch model's vocabulary size
 * @param columns E, the embedding size
 * @param layer 0 for the word-embedding matrix, L >= 1 for the output of encoder layer L
 */
record PretrainedEmbeddings(Path directory, String tensor, int rows, int columns, int layer) {

    /** The word embeddings of BERT-family checkpoints: a bare encoder's name, then a task model's. */
    static final List<String> TENSOR_NAMES =
            List.of("embeddings.word_embeddings.weight", "bert.embeddings.word_embeddings.weight");
    /** The from-scratch classifiers' embedding table, by StateDict name. */
    static final String EMBEDDING_PARAMETER = "embedding.weight";
    /** Pieces encoded at once for {@code layer} > 0: (512, 3) inputs. */
    private static final int ENCODE_BATCH = 512;

    /**
     * Finds the tokenizer and the word-embedding matrix of {@code directory} (and, for {@code layer} > 0,
     * checks that its encoder has that layer); reads headers only.
     *
     * @throws CheckpointException naming the file when the tokenizer or the matrix is missing, the
     *     matrix is not 2-D floating point, or config.json has fewer than {@code layer} layers
     */
    static PretrainedEmbeddings open(Path directory, int layer) throws CheckpointException {
        if (layer < 0) {
            throw new IllegalArgumentException("the embedding layer must be 0 (the word embeddings) or an encoder"
                    + " layer >= 1, got " + layer);
        }
        Path tokenizer = directory.resolve(HfTokenizer.TOKENIZER_FILE);
        if (!Files.isRegularFile(tokenizer)) {
            throw new CheckpointException(tokenizer, "is missing; --init-embeddings needs a Hugging Face directory"
                    + " with the tokenizer.json of its embeddings");
        }
        if (layer > 0) {
            Path configFile = directory.resolve(BertCheckpoint.CONFIG_FILE);
            int layers = BertConfig.read(configFile).numHiddenLayers();
            if (layer > layers) {
                throw new CheckpointException(configFile, "has " + layers + " hidden layers: embeddings from layer "
                        + layer + " need an encoder that deep");
            }
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
                return new PretrainedEmbeddings(directory, name, Math.toIntExact(shape[0]), Math.toIntExact(shape[1]),
                        layer);
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
     * Copies the rows for {@code pieces} ({@link #rows(long[], long[], NDManager)}), in that order, into
     * {@code model}'s embedding table, whose shape must be (pieces, E).
     */
    void copyInto(TextClassifier model, long[] pieces, long[] template, NDManager manager)
            throws CheckpointException {
        Parameter table = StateDict.of(model).get(EMBEDDING_PARAMETER);
        Shape expected = new Shape(pieces.length, columns);
        if (table == null || !table.getArray().getShape().equals(expected)) {
            throw new IllegalStateException("the model's " + EMBEDDING_PARAMETER + " is not " + expected);
        }
        try (NDManager scratch = manager.newSubManager()) {
            scratch.create(rows(pieces, template, scratch), expected).toType(table.getArray().getDataType(), false)
                    .copyTo(table.getArray());
        }
    }

    /**
     * The table for {@code pieces}, (pieces, E) row-major: their rows of the matrix, or for {@code layer}
     * > 0 the encoder's layer-{@code layer} output at each piece between {@code template}, the ids the
     * tokenizer puts around an empty text ([CLS], [SEP]): the first before the piece, the rest after.
     */
    float[] rows(long[] pieces, long[] template, NDManager manager) throws CheckpointException {
        try (NDManager scratch = manager.newSubManager()) {
            if (layer == 0) {
                return rowsOf(ModelDirectory.open(directory).readWeights(scratch).get(tensor), pieces);
            }
            BertModel encoder;
            try {
                encoder = BertCheckpoint.loadModel(directory, scratch);
            } catch (WeightMismatchException e) {
                throw new CheckpointException(directory, "cannot load its encoder for embeddings from layer "
                        + layer + ": " + e.getMessage(), e);
            }
            // the loaded encoder holds the matrix too, under its bare name: read the checkpoint once
            float[] matrixRows = rowsOf(StateDict.of(encoder).get(TENSOR_NAMES.get(0)).getArray(), pieces);
            float[] encoded = encode(encoder, pieces, template, scratch);
            float scale = (float) (meanRowLength(matrixRows) / meanRowLength(encoded));
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] *= scale;
            }
            return encoded;
        }
    }

    private float[] rowsOf(NDArray matrix, long[] pieces) {
        float[] all = matrix.toType(DataType.FLOAT32, false).toFloatArray();
        float[] rowsOfMatrix = new float[pieces.length * columns];
        for (int r = 0; r < pieces.length; r++) {
            System.arraycopy(all, Math.toIntExact(pieces[r] * columns), rowsOfMatrix, r * columns, columns);
        }
        return rowsOfMatrix;
    }

    private float[] encode(BertModel encoder, long[] pieces, long[] template, NDManager manager) {
        int position = template.length == 0 ? 0 : 1;
        int width = template.length + 1;
        float[] out = new float[pieces.length * columns];
        for (int start = 0; start < pieces.length; start += ENCODE_BATCH) {
            int n = Math.min(ENCODE_BATCH, pieces.length - start);
            long[] ids = new long[n * width];
            for (int i = 0; i < n; i++) {
                int t = i * width;
                if (template.length > 0) {
                    ids[t++] = template[0];
                }
                ids[t++] = pieces[start + i];
                for (int k = 1; k < template.length; k++) {
                    ids[t++] = template[k];
                }
            }
            try (NDManager batch = manager.newSubManager()) {
                NDArray input = batch.create(ids, new Shape(n, width));
                float[] hidden = Gradients.withoutRecording(() -> encoder.forward(new ParameterStore(batch, false),
                                BertInput.of(input), false, BertModel.Extra.HIDDEN_STATES)
                        .hiddenStates().get(layer).get(":, " + position + ", :").toType(DataType.FLOAT32, false)
                        .toFloatArray());
                System.arraycopy(hidden, 0, out, start * columns, hidden.length);
            }
        }
        return out;
    }

    private double meanRowLength(float[] table) {
        double sum = 0;
        for (int r = 0; r < table.length / columns; r++) {
            double squares = 0;
            for (int c = 0; c < columns; c++) {
                squares += (double) table[r * columns + c] * table[r * columns + c];
            }
            sum += Math.sqrt(squares);
        }
        return sum / (table.length / columns);
    }

    /**
     * Where the embeddings came from, for config.json and training.json.
     *
     * @param trainedRows the table's leading rows, of the pieces the training data uses
     */
    JsonObject provenance(boolean frozen, int tableRows, int trainedRows) {
        JsonObject json = new JsonObject();
        json.addProperty("directory", directory.toAbsolutePath().normalize().toString());
        json.addProperty("tensor", tensor);
        JsonArray shape = new JsonArray();
        shape.add(rows);
        shape.add(columns);
        json.add("shape", shape);
        json.addProperty("table_rows", tableRows);
        json.addProperty("trained_rows", trainedRows);
        json.addProperty("layer", layer);
        json.addProperty("frozen", frozen);
        return json;
    }
}
