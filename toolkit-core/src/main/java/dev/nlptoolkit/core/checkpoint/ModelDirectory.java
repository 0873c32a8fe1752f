package dev.nlptoolkit.core.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Hugging Face style model directory, as {@code save_pretrained} writes it: {@code config.json},
 * the weights in {@code model.safetensors} or in shards listed by {@code model.safetensors.index.json},
 * and optionally {@code tokenizer.json}.
 *
 * <p>Opening validates every safetensors header and, for sharded weights, that the index and the
 * shards agree exactly (every mapped tensor is in its shard, every shard tensor is mapped, no shard
 * lies outside the directory); no tensor data is read until {@link #readWeights}. Pickle checkpoints
 * ({@code pytorch_model.bin} and the like) are refused, never loaded: unpickling runs arbitrary code.
 */
public final class ModelDirectory {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String WEIGHTS_INDEX_FILE = "model.safetensors.index.json";
    public static final String TOKENIZER_FILE = "tokenizer.json";

    /** The metadata transformers writes into model.safetensors, which it checks on load. */
    public static final Map<String, String> WEIGHTS_METADATA = Map.of("format", "pt");

    private static final String WEIGHT_MAP_KEY = "weight_map";
    private static final Set<String> PICKLE_EXTENSIONS = Set.of(".bin", ".pt", ".pth", ".ckpt");

    private final Path directory;
    private final JsonObject config;
    private final Optional<Path> index;
    private final List<SafetensorsHeader> headers;
    private final Optional<Path> tokenizer;

    private ModelDirectory(
            Path directory,
            JsonObject config,
            Optional<Path> index,
            List<SafetensorsHeader> headers,
            Optional<Path> tokenizer) {
        this.directory = directory;
        this.config = config;
        this.index = index;
        this.headers = List.copyOf(headers);
        this.tokenizer = tokenizer;
    }

    /** Opens and validates {@code directory}; reads headers and JSON, no tensor data. */
    public static ModelDirectory open(Path directory) throws CheckpointException {
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException(directory, "is not a directory");
        }
        Path single = directory.resolve(WEIGHTS_FILE);
        Path indexFile = directory.resolve(WEIGHTS_INDEX_FILE);
        boolean hasSingle = Files.exists(single);
        boolean hasIndex = Files.exists(indexFile);
        if (hasSingle && hasIndex) {
            throw new CheckpointException(
                    directory,
                    "holds both "
                            + WEIGHTS_FILE
                            + " and "
                            + WEIGHTS_INDEX_FILE
                            + "; remove the stale one so that it is clear which weights are meant");
        }
        if (!hasSingle && !hasIndex) {
            throw noSafetensors(directory);
        }
        List<SafetensorsHeader> headers =
                hasSingle ? List.of(SafetensorsHeader.read(single)) : readShards(directory, indexFile);
        Path configFile = directory.resolve(CONFIG_FILE);
        if (!Files.exists(configFile)) {
            throw new CheckpointException(
                    configFile, "is missing; a model directory needs the config that save_pretrained writes");
        }
        JsonObject config = JsonFiles.readObject(configFile);
        Path tokenizerFile = directory.resolve(TOKENIZER_FILE);
        return new ModelDirectory(
                directory,
                config,
                hasIndex ? Optional.of(indexFile) : Optional.empty(),
                headers,
                Files.exists(tokenizerFile) ? Optional.of(tokenizerFile) : Optional.empty());
    }

    private static CheckpointException noSafetensors(Path directory) {
        List<Path> pickles;
        try (Stream<Path> files = Files.list(directory)) {
            pickles = files.filter(ModelDirectory::isPickle).sorted().toList();
        } catch (IOException e) {
            return new CheckpointException(directory, "cannot list: " + e, e);
        }
        if (pickles.isEmpty()) {
            return new CheckpointException(
                    directory, "holds neither " + WEIGHTS_FILE + " nor " + WEIGHTS_INDEX_FILE);
        }
        List<String> names = pickles.stream().map(p -> p.getFileName().toString()).toList();
        return new CheckpointException(
                directory,
                "holds only pickle checkpoints " + names + ", " + pickleAdvice(directory, pickles.get(0)));
    }

    /** Whether {@code file} is by its name a pickle checkpoint ({@code .bin .pt .pth .ckpt}), which we never load. */
    public static boolean isPickle(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(file) && PICKLE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** The error for a pickle checkpoint given where safetensors was expected, with how to convert it. */
    public static CheckpointException pickleRefused(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return new CheckpointException(file, "is a pickle checkpoint, " + pickleAdvice(parent, file));
    }

    private static String pickleAdvice(Path directory, Path pickle) {
        String dir = directory.toAbsolutePath().toString();
        return "which we never load because unpickling can run arbitrary code; convert it once to safetensors"
                + " with: python -c \"from transformers import AutoModel; AutoModel.from_pretrained('"
                + dir
                + "').save_pretrained('"
                + dir
                + "', safe_serialization=True)\" (use the AutoModelFor... class of config.json's"
                + " architectures to keep the task head), or for a bare state dict: python -c \"import torch;"
                + " from safetensors.torch import save_file; save_file(torch.load('"
                + pickle.toAbsolutePath()
                + "', weights_only=True), '"
                + directory.resolve(WEIGHTS_FILE).toAbsolutePath()
                + "', metadata={'format': 'pt'})\"";
    }

    private static List<SafetensorsHeader> readShards(Path directory, Path indexFile) throws CheckpointException {
        JsonElement weightMapJson = JsonFiles.readObject(indexFile).get(WEIGHT_MAP_KEY);
        if (weightMapJson == null || !weightMapJson.isJsonObject()) {
            throw new CheckpointException(indexFile, "needs a \"" + WEIGHT_MAP_KEY + "\" object {tensor: shard file}");
        }
        // Shard file -> the tensors the index places in it, both in index order.
        Map<String, List<String>> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMapJson.getAsJsonObject().entrySet()) {
            JsonElement shard = e.getValue();
            if (!shard.isJsonPrimitive() || !shard.getAsJsonPrimitive().isString()) {
                throw new CheckpointException(indexFile, e.getKey(), "weight_map value must be a shard file name");
            }
            byShard.computeIfAbsent(shard.getAsString(), k -> new ArrayList<>()).add(e.getKey());
        }
        if (byShard.isEmpty()) {
            throw new CheckpointException(indexFile, "weight_map is empty");
        }
        Path root = directory.toAbsolutePath().normalize();
        List<SafetensorsHeader> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byShard.entrySet()) {
            String firstTensor = e.getValue().get(0);
            Path shard = root.resolve(e.getKey()).normalize();
            // Lexical check only: Hugging Face caches link shards to blobs outside the snapshot folder.
            if (Path.of(e.getKey()).isAbsolute() || !shard.startsWith(root) || shard.equals(root)) {
                throw new CheckpointException(
                        indexFile, firstTensor, "shard '" + e.getKey() + "' lies outside the model directory");
            }
            if (!Files.isRegularFile(shard)) {
                throw new CheckpointException(
                        indexFile, firstTensor, "shard '" + e.getKey() + "' does not exist in " + directory);
            }
            SafetensorsHeader header = SafetensorsHeader.read(directory.resolve(e.getKey()));
            checkShardMatchesIndex(indexFile, header, e.getValue());
            headers.add(header);
        }
        return headers;
    }

    private static void checkShardMatchesIndex(Path indexFile, SafetensorsHeader shard, List<String> mapped)
            throws CheckpointException {
        for (String tensor : mapped) {
            if (!shard.tensors().containsKey(tensor)) {
                throw new CheckpointException(
                        indexFile, tensor, "the index places it in " + shard.file() + ", which does not hold it");
            }
        }
        if (shard.tensors().size() != mapped.size()) {
            Set<String> listed = Set.copyOf(mapped);
            for (String tensor : shard.tensors().keySet()) {
                if (!listed.contains(tensor)) {
                    throw new CheckpointException(
                            shard.file(),
                            tensor,
                            "is in this shard but " + indexFile + " does not map it here");
                }
            }
        }
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (metadata {@code {"format": "pt"}}, as
     * transformers does) into {@code directory}, each file atomically, and removes a stale
     * {@code model.safetensors.index.json} so the directory opens unambiguously.
     */
    public static void write(Path directory, JsonObject config, Map<String, NDArray> weights) throws IOException {
        Files.createDirectories(directory);
        SafeTensors.write(directory.resolve(WEIGHTS_FILE), weights, WEIGHTS_METADATA);
        JsonFiles.writeObject(directory.resolve(CONFIG_FILE), config);
        Files.deleteIfExists(directory.resolve(WEIGHTS_INDEX_FILE));
    }

    public Path directory() {
        return directory;
    }

    /** The parsed {@code config.json}; a copy, so callers cannot change this directory's view. */
    public JsonObject config() {
        return config.deepCopy();
    }

    /** The safetensors headers of the weights: one, or one per shard in index order; no tensor data. */
    public List<SafetensorsHeader> headers() {
        return headers;
    }

    /** Reads every weight into {@code manager}: shards in index order, each in header order. */
    public Map<String, NDArray> readWeights(NDManager manager) throws CheckpointException {
        Map<String, NDArray> weights = new LinkedHashMap<>();
        for (SafetensorsHeader header : headers) {
            weights.putAll(SafeTensors.read(header.file(), manager));
        }
        return Collections.unmodifiableMap(weights);
    }

    /** {@code tokenizer.json}, when the directory has one. */
    public Optional<Path> tokenizerFile() {
        return tokenizer;
    }

    /** The files this checkpoint is made of: config, index (when sharded), weights, tokenizer. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        files.add(directory.resolve(CONFIG_FILE));
        index.ifPresent(files::add);
        headers.forEach(h -> files.add(h.file()));
        tokenizer.ifPresent(files::add);
        return files;
    }
}
