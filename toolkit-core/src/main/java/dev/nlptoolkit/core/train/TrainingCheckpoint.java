package dev.nlptoolkit.core.train;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A resumable training checkpoint: a directory holding the model (written by a {@link ModelStore}),
 * the optimizer state ({@value #OPTIMIZER_FILE}) and the loop's position ({@value #STATE_FILE}).
 *
 * <p>A run keeps two under its checkpoint root: {@code last/} and {@code best/}. Each is written into
 * a fresh {@code <slot>.tmp-*} directory and then renamed into place, so a crash leaves either the
 * old or the new checkpoint, never half of one: the old one is first renamed to {@code <slot>.old}
 * and deleted once the new one is in place; {@link #find} falls back to {@code <slot>.old} when a
 * crash fell between the two renames.
 *
 * <p>No random generator state is stored: the data order of an epoch and the engine seed of a step
 * are pure functions of (seed, epoch) and (seed, step) ({@link DataOrder}), so the position suffices.
 */
public final class TrainingCheckpoint {

    public static final String LAST = "last";
    public static final String BEST = "best";
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    public static final String STATE_FILE = "trainer_state.json";
    /** Prefix of the model-only checkpoints kept at evaluations, {@code step-<N>}. */
    public static final String STEP_PREFIX = "step-";
    private static final String TMP_INFIX = ".tmp-";
    private static final String OLD_SUFFIX = ".old";
    private static final int FORMAT_VERSION = 1;

    private TrainingCheckpoint() {}

    /**
     * Where the loop stands after an optimizer step.
     *
     * @param step optimizer steps done
     * @param epoch the epoch the next batch belongs to
     * @param batch the index, in that epoch's batch list, of the next micro-batch to train on
     * @param seed the run's seed, from which data order and engine seeds derive
     * @param bestValue the best value of the selection metric so far, null before the first evaluation
     * @param bestStep the step at which {@code bestValue} was reached
     * @param evaluationsWithoutImprovement evaluations since the best one, for early stopping
     */
    public record State(
            long step,
            int epoch,
            int batch,
            long seed,
            Double bestValue,
            long bestStep,
            int evaluationsWithoutImprovement) {

        /** The state before the first step. */
        public static State start(long seed) {
            return new State(0, 0, 0, seed, null, 0, 0);
        }
    }

    /**
     * Writes the checkpoint {@code root/slot} atomically, replacing any previous one.
     *
     * @param optimizer saved too when not null (the best checkpoint needs only the model)
     */
    public static void write(Path root, String slot, State state, ModelStore model, Optimizer optimizer)
            throws IOException {
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, slot + TMP_INFIX);
        try {
            model.save(tmp);
            if (optimizer != null) {
                optimizer.saveState(tmp.resolve(OPTIMIZER_FILE));
            }
            AtomicFiles.writeString(tmp.resolve(STATE_FILE), toJson(state));
            publish(tmp, root.resolve(slot));
        } finally {
            deleteRecursively(tmp);
        }
    }

    /** The directory of checkpoint {@code slot} under {@code root}, or null when there is none. */
    public static Path find(Path root, String slot) {
        Path dir = root.resolve(slot);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        Path old = root.resolve(slot + OLD_SUFFIX);
        return Files.isDirectory(old) ? old : null;
    }

    /**
     * Readies the checkpoint root of a run: a run that resumes needs {@code last/} there; one that
     * does not starts clean, so the root and the earlier run's {@code staleFiles} (its log) are removed.
     */
    public static void prepareRun(Path root, boolean resume, Path... staleFiles)
            throws IOException, CheckpointException {
        if (resume) {
            if (find(root, LAST) == null) {
                throw new CheckpointException(root.resolve(LAST), "no checkpoint to resume from; train without --resume"
                        + " first");
            }
            return;
        }
        deleteRecursively(root);
        for (Path file : staleFiles) {
            Files.deleteIfExists(file);
        }
    }

    /** The slot name of the evaluation checkpoint at {@code step}. */
    public static String stepSlot(long step) {
        return STEP_PREFIX + step;
    }

    /** The evaluation checkpoints ({@code step-<N>}) under {@code root}, oldest first; empty when none. */
    public static List<Path> steps(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(d -> Files.isDirectory(d) && stepOf(d) >= 0)
                    .sorted(Comparator.comparingLong(TrainingCheckpoint::stepOf))
                    .toList();
        }
    }

    /** Deletes all but the latest {@code keep} evaluation checkpoints under {@code root}. */
    static void keepLatestSteps(Path root, int keep) throws IOException {
        List<Path> all = steps(root);
        for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
            deleteRecursively(old);
        }
    }

    /** The step of a {@code step-<N>} directory, or -1 for any other name. */
    private static long stepOf(Path dir) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(STEP_PREFIX)) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(STEP_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads the loop's position from checkpoint directory {@code dir}. */
    public static State readState(Path dir) throws CheckpointException {
        Path file = dir.resolve(STATE_FILE);
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            int version = o.get("format_version").getAsInt();
            if (version != FORMAT_VERSION) {
                throw new CheckpointException(file, "format version " + version + ", this build reads " + FORMAT_VERSION);
            }
            JsonElement best = o.get("best_value");
            return new State(
                    o.get("step").getAsLong(),
                    o.get("epoch").getAsInt(),
                    o.get("batch").getAsInt(),
                    o.get("seed").getAsLong(),
                    best == null || best.isJsonNull() ? null : best.getAsDouble(),
                    o.get("best_step").getAsLong(),
                    o.get("evaluations_without_improvement").getAsInt());
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new CheckpointException(file, "is not a trainer state written by TrainingCheckpoint: " + e, e);
        }
    }

    /** Loads the model and, when {@code optimizer} is not null, its state from checkpoint {@code dir}. */
    public static State restore(Path dir, ModelStore model, Optimizer optimizer) throws CheckpointException {
        State state = readState(dir);
        model.load(dir);
        if (optimizer != null) {
            optimizer.loadState(dir.resolve(OPTIMIZER_FILE));
        }
        return state;
    }

    private static String toJson(State s) {
        JsonObject o = new JsonObject();
        o.addProperty("format_version", FORMAT_VERSION);
        o.addProperty("step", s.step());
        o.addProperty("epoch", s.epoch());
        o.addProperty("batch", s.batch());
        o.addProperty("seed", s.seed());
        o.addProperty("best_value", s.bestValue());
        o.addProperty("best_step", s.bestStep());
        o.addProperty("evaluations_without_improvement", s.evaluationsWithoutImprovement());
        return o.toString();
    }

    private static void publish(Path tmp, Path target) throws IOException {
        Path old = target.resolveSibling(target.getFileName() + OLD_SUFFIX);
        deleteRecursively(old);
        if (Files.exists(target)) {
            move(target, old);
        }
        move(tmp, target);
        deleteRecursively(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
