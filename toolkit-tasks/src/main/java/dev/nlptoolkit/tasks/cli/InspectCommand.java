package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;
import dev.nlptoolkit.core.checkpoint.SafetensorsHeader;
import dev.nlptoolkit.core.checkpoint.TensorInfo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code toolkit inspect PATH}: summarises a checkpoint from its headers, without reading tensor data. */
@Command(
        name = "inspect",
        description = {
            "Print one JSON object describing a model directory or a .safetensors file:"
                    + " tensor count, parameter count, dtypes, config.json and files.",
            "Reads headers only, so it is fast on checkpoints of any size."
        })
public final class InspectCommand implements Callable<Integer> {

    private static final String SAFETENSORS_EXTENSION = ".safetensors";

    @Parameters(
            paramLabel = "PATH",
            description = "A model directory (config.json with model.safetensors or"
                    + " model.safetensors.index.json and its shards), or one safetensors file.")
    private Path path;

    @Option(
            names = "--tensors",
            description = "Also list every tensor's name, dtype and shape (tensor_list). Default: ${DEFAULT-VALUE}.")
    private boolean listTensors;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws CheckpointException {
        InspectReport report = run(path, listTensors);
        PrintWriter out = spec.commandLine().getOut();
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(report.toJson()));
        out.flush();
        return ToolkitCli.EXIT_OK;
    }

    /** Inspects {@code path}, a model directory or a {@code .safetensors} file. */
    public static InspectReport run(Path path, boolean listTensors) throws CheckpointException {
        if (Files.isDirectory(path)) {
            ModelDirectory model = ModelDirectory.open(path);
            List<String> files = model.files().stream().map(f -> path.relativize(f).toString()).toList();
            return report(model.headers(), Optional.of(model.config()), files, listTensors);
        }
        if (!Files.exists(path)) {
            throw new CheckpointException(path, "does not exist");
        }
        if (ModelDirectory.isPickle(path)) {
            throw ModelDirectory.pickleRefused(path);
        }
        if (!path.getFileName().toString().endsWith(SAFETENSORS_EXTENSION)) {
            throw new CheckpointException(
                    path, "is neither a model directory nor a " + SAFETENSORS_EXTENSION + " file");
        }
        SafetensorsHeader header = SafetensorsHeader.read(path);
        return report(List.of(header), Optional.empty(), List.of(path.getFileName().toString()), listTensors);
    }

    private static InspectReport report(
            List<SafetensorsHeader> headers, Optional<JsonObject> config, List<String> files, boolean listTensors) {
        List<TensorInfo> tensors = headers.stream().flatMap(h -> h.tensors().values().stream()).toList();
        SortedMap<String, Integer> dtypes = new TreeMap<>();
        tensors.forEach(t -> dtypes.merge(t.dtype().name(), 1, Integer::sum));
        long parameters = headers.stream().mapToLong(SafetensorsHeader::parameterCount).sum();
        return new InspectReport(
                tensors.size(),
                parameters,
                dtypes,
                listTensors ? Optional.of(tensors) : Optional.empty(),
                config,
                files);
    }
}
