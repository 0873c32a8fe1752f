package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.ManagerOwner;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.seq2seq.Seq2SeqConfig;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A trained translator loaded from the model directory {@link TranslatorTrainer} wrote.
 *
 * <pre>{@code
 * try (TranslationModel model = TranslationModel.load(Path.of("runs/multi30k"))) {
 *     List<String> german = model.translate(List.of("A man is riding a bike.", ""), DecodeOptions.beam(4));
 *     // ["Ein Mann fährt Fahrrad.", ""]
 * }
 * }</pre>
 *
 * <p>Sentences are translated in batches of similar source length and returned in input order, one
 * output per input: an empty (or blank) input gives an empty output without running the model.
 * Output is detokenised, cased text. Not thread-safe: give each thread its own instance.
 */
public final class TranslationModel implements AutoCloseable {

    /** Sentences per batch unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final Path directory;
    private final NDManager manager;
    private final TranslatorNetwork network;

    private TranslationModel(Path directory, NDManager manager, TranslatorNetwork network) {
        this.directory = directory;
        this.manager = manager;
        this.network = network;
    }

    /** Loads {@code dir} onto the GPU when there is one, else the CPU. */
    public static TranslationModel load(Path dir) throws IOException, CheckpointException {
        return load(dir, DeviceChoice.AUTO);
    }

    public static TranslationModel load(Path dir, DeviceChoice device) throws IOException, CheckpointException {
        return ManagerOwner.open(device,
                manager -> new TranslationModel(dir, manager, TranslatorNetwork.load(dir, manager)));
    }

    public Path directory() {
        return directory;
    }

    public Seq2SeqModelType modelType() {
        return network.config().modelType();
    }

    /** The architecture's hyper-parameters, as {@code config.json} holds them under {@code model}. */
    public Seq2SeqConfig config() {
        return network.config();
    }

    /**
     * The run's provenance, {@code training.json} as {@link TranslatorTrainer} wrote it (data, settings,
     * steps, how it stopped, the dev BLEU and its signature); empty for a directory without one.
     *
     * @throws CheckpointException when the file is there but is not a JSON object
     */
    public Optional<JsonObject> training() throws CheckpointException {
        Path file = directory.resolve(RunFiles.PROVENANCE_FILE);
        return Files.isRegularFile(file) ? Optional.of(JsonFiles.readObject(file)) : Optional.empty();
    }

    /** The most subwords of a source sentence the model reads; longer sources are cut there. */
    public int maxLength() {
        return network.maxLength();
    }

    /** The best translation of each source, in batches of {@value #DEFAULT_BATCH_SIZE}. */
    public List<String> translate(List<String> sources, DecodeOptions options) {
        return translate(sources, options, DEFAULT_BATCH_SIZE);
    }

    /** The best translation of each source, in input order. */
    public List<String> translate(List<String> sources, DecodeOptions options, int batchSize) {
        return translateNbest(sources, options, batchSize, false).stream().map(n -> n.get(0).text()).toList();
    }

    /**
     * The {@link DecodeOptions#nbest()} best translations of each source, best first, in input order;
     * an empty source gets one empty translation.
     *
     * @param alignments whether to keep each hypothesis' attention weights over the source
     */
    public List<List<Translation>> translateNbest(
            List<String> sources, DecodeOptions options, int batchSize, boolean alignments) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        return Decoding.translate(network, manager, sources, options, batchSize, alignments);
    }

    @Override
    public void close() {
        network.close();
        manager.close();
    }
}
