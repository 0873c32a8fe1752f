package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.plot.Plots;
import dev.nlptoolkit.tasks.classify.AttentionMap;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.ClassifierPlots;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextInput;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.cli.options.BatchSizeOption;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit predict}: classifies JSON lines with a model directory. */
@Command(
        name = "predict",
        description = {
            "Classify each line {\"text\": \"...\", \"text_pair\": \"...\"} (text_pair optional) of --input and"
                    + " write, line for line in the same order, {\"label\", \"score\", \"probabilities\": {label: p},"
                    + " \"logits\": [...]} to --output; with --explain also \"explanation\": [{\"token\","
                    + " \"weight\"}...], the most-attended tokens (bilstm-attention, transformer and bert).",
            "A line that is not valid JSON or has no \"text\" string gets {\"error\": \"line N: ...\"} in its"
                    + " place; the other lines still run. Prints {\"lines\", \"predicted\", \"errors\"}.",
            "Works with model directories train-classifier wrote and with any Hugging Face"
                    + " BertForSequenceClassification directory (config.json, model.safetensors, tokenizer.json)."
        })
public final class PredictCommand implements Callable<Integer> {

    /** Lines read and predicted at a time, so files of any size stream through. */
    static final int CHUNK_LINES = 4096;
    /** The --plot file of input line N. */
    static final String PLOT_FILE = "line-%06d.png";

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A model directory.")
    Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.jsonl", description = "One JSON object per line.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "OUT.jsonl",
            description = "Written atomically, one JSON object per input line.")
    Path output;

    @Mixin BatchSizeOption batchSize;

    @Mixin RuntimeOptions runtime;

    @Option(names = "--explain",
            description = "Add the most-attended tokens with their weights. Default: ${DEFAULT-VALUE}.")
    boolean explain;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "" + ClassifierModel.DEFAULT_EXPLAIN_TOP_K,
            description = "Tokens per explanation. Default: ${DEFAULT-VALUE}.")
    int topK;


    @Option(names = "--plot", paramLabel = "DIR",
            description = "With --explain: also draw what the model attended to for each input line N into"
                    + " DIR/line-N.png (N zero-padded to 6 digits): the last layer's self-attention, heads side by"
                    + " side (transformer, bert), or the pooling's token weights (bilstm-attention). Default: none.")
    Path plot;

    @Spec private CommandSpec spec;

    /**
     * What a run did.
     *
     * @param lines input lines read
     * @param predicted lines classified
     * @param errors lines answered with an error
     */
    public record Summary(long lines, long predicted, long errors) {}

    @Override
    public Integer call() throws IOException, CheckpointException {
        runtime.applyThreads();
        if (plot != null && !explain) {
            throw new ParameterException(spec.commandLine(), "--plot draws explanations: give --explain too");
        }
        int batch = batchSize.orElse(ClassifierModel.DEFAULT_BATCH_SIZE);
        Summary summary = run(model, input, output, batch, runtime.device(), explain ? topK : 0, plot);
        JsonObject json = new JsonObject();
        json.addProperty("lines", summary.lines());
        json.addProperty("predicted", summary.predicted());
        json.addProperty("errors", summary.errors());
        json.addProperty("output", output.toString());
        PrintWriter out = spec.commandLine().getOut();
        out.println(json);
        out.flush();
        return ToolkitCli.EXIT_OK;
    }

    /**
     * Classifies every line of {@code in} into {@code out}.
     *
     * @param explainTopK most-attended tokens per line; 0 writes no explanation
     */
    public static Summary run(Path modelDir, Path in, Path out, int batchSize, DeviceChoice device, int explainTopK)
            throws IOException, CheckpointException {
        return run(modelDir, in, out, batchSize, device, explainTopK, null);
    }

    /**
     * {@link #run(Path, Path, Path, int, DeviceChoice, int)}, also drawing each input's attention into
     * {@code plotDir} (null: none) as {@code line-N.png}.
     */
    public static Summary run(Path modelDir, Path in, Path out, int batchSize, DeviceChoice device, int explainTopK,
            Path plotDir) throws IOException, CheckpointException {
        long[] counts = new long[2];
        long lines;
        try (ClassifierModel classifier = ClassifierModel.load(modelDir, device);
                BufferedReader reader = Files.newBufferedReader(in, StandardCharsets.UTF_8)) {
            if (plotDir != null) {
                ClassifierPlots.checkHasAttention(classifier.kind());
            }
            long[] lineNumber = {0};
            AtomicFiles.write(out, stream -> {
                BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                List<String> chunk = new ArrayList<>(CHUNK_LINES);
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    chunk.add(line);
                    if (chunk.size() == CHUNK_LINES) {
                        writeChunk(classifier, chunk, lineNumber, batchSize, explainTopK, plotDir, writer, counts);
                        chunk.clear();
                    }
                }
                writeChunk(classifier, chunk, lineNumber, batchSize, explainTopK, plotDir, writer, counts);
                writer.flush();
            });
            lines = lineNumber[0];
        }
        return new Summary(lines, counts[0], counts[1]);
    }

    /** Parses, predicts and writes one chunk; {@code lineNumber} and {@code counts} (predicted, errors) advance. */
    private static void writeChunk(ClassifierModel classifier, List<String> chunk, long[] lineNumber, int batchSize,
            int explainTopK, Path plotDir, BufferedWriter writer, long[] counts) throws IOException {
        JsonObject[] results = new JsonObject[chunk.size()];
        List<TextInput> inputs = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            long number = lineNumber[0] + i + 1;
            try {
                inputs.add(parse(chunk.get(i), number));
                positions.add(i);
            } catch (IllegalArgumentException e) {
                JsonObject error = new JsonObject();
                error.addProperty("error", e.getMessage());
                results[i] = error;
                counts[1]++;
            }
        }
        List<Prediction> predictions;
        if (plotDir == null) {
            predictions = classifier.predict(inputs, batchSize, explainTopK);
        } else {
            // the attention maps come with the predictions, from the same forward pass
            List<AttentionMap> maps = classifier.attention(inputs, batchSize, explainTopK);
            for (int k = 0; k < maps.size(); k++) {
                Path png = plotDir.resolve(String.format(Locale.ROOT, PLOT_FILE, lineNumber[0] + positions.get(k) + 1));
                Plots.writePng(ClassifierPlots.attention(maps.get(k), inputs.get(k)), png);
            }
            predictions = maps.stream().map(AttentionMap::prediction).toList();
        }
        for (int k = 0; k < predictions.size(); k++) {
            results[positions.get(k)] = predictions.get(k).toJson(explainTopK > 0);
            counts[0]++;
        }
        for (JsonObject result : results) {
            writer.write(result.toString());
            writer.newLine();
        }
        lineNumber[0] += chunk.size();
    }

    /** One input line as a {@link TextInput}; the message of a failure names the line. */
    static TextInput parse(String line, long number) {
        JsonElement json;
        try (JsonReader reader = new JsonReader(new StringReader(line))) {
            reader.setStrictness(Strictness.STRICT);
            json = JsonParser.parseReader(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new JsonParseException("content after the JSON object");
            }
        } catch (JsonParseException | IOException e) {
            throw new IllegalArgumentException("line " + number + ": not valid JSON: " + e.getMessage(), e);
        }
        if (!json.isJsonObject()) {
            throw new IllegalArgumentException(
                    "line " + number + ": expected a JSON object {\"text\": ...}, got " + json);
        }
        JsonObject object = json.getAsJsonObject();
        String text = string(object, "text", number);
        if (text == null) {
            throw new IllegalArgumentException("line " + number + ": no \"text\" string");
        }
        return new TextInput(text, string(object, "text_pair", number));
    }

    private static String string(JsonObject object, String key, long number) {
        JsonElement value = object.get(key);
        if (value == null || value.isJsonNull()) {
            return null;
        }
        if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
            throw new IllegalArgumentException("line " + number + ": \"" + key + "\" must be a string, got " + value);
        }
        return value.getAsString();
    }
}
