package dev.nlptoolkit.core.train;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;

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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A resumable training checkpoint: a directory holding the model (written by a {@link ModelStore}),
 * the optimizer state ({@value #OPTIMIZER_FILE}) and the loop's position ({@value #STATE_FILE}).
 *
 * <p>A run keeps two under its checkpoint root: {@code last/} and {@code best/}. Each is written into
 * a fresh {@code <slot>.tmp-*} directory, its files forced to disk, and then published so that there
 * is a complete checkpoint at every moment: the current one is renamed to {@code <slot>.old}, the new
 * one renamed into place, the root directory forced to disk, and only then {@code <slot>.old} deleted.
 * A crash between the renames leaves {@code <slot>.old} alone; {@link #recover} (run at the start of
 * every run) renames it back and deletes the {@code *.tmp-*} folders a crash left behind, and
 * {@link #find} falls back to it too.
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
    /** 2: run fingerprint, loss average, schedule plan and stop reason; 1 (0.1) cannot be resumed. */
    private static final int FORMAT_VERSION = 2;

    private TrainingCheckpoint() {}

    /**
     * Where the loop stands after an optimizer step, and what it was started with.
     *
     * @param step optimizer steps done
     * @param epoch the epoch the next batch belongs to
     * @param batch the index, in that epoch's batch list, of the next micro-batch to train on
     * @param bestValue the best value of the selection metric so far, null before the first evaluation
     * @param bestStep the step at which {@code bestValue} was reached
     * @param lastEvaluationStep the step of the latest evaluation, 0 before the first
     * @param lossSinceEvaluation the sum of the step losses since the latest evaluation (the log's
     *     {@code train_loss} is its mean)
     * @param stepsSinceEvaluation the steps in that sum
     * @param plan the schedule's planned step count and how it was planned
     * @param stopReason why the run stopped, null while it runs (a checkpoint written mid-run)
     * @param run what the run was started with (hyper-parameters, data fingerprints), compared on resume
     */
    public record State(
            long step,
            int epoch,
            int batch,
            Double bestValue,
            long bestStep,
            long lastEvaluationStep,
            double lossSinceEvaluation,
            int stepsSinceEvaluation,
            SchedulePlan plan,
            StopReason stopReason,
            Map<String, String> run) {

        public State {
            run = Map.copyOf(run);
        }

        /** The state before the first step. */
        public static State start(SchedulePlan plan, Map<String, String> run) {
            return new State(0, 0, 0, null, 0, 0, 0, 0, plan, null, run);
        }
    }

    /**
     * Writes the checkpoint {@code root/slot} atomically, replacing any previous one.
     *
     * @param optimizer saved too when not null (the best checkpoint needs only the model)
     * @throws IOException naming the checkpoint when it cannot be written (a full disk, say); the
     *     previous checkpoint is then left as it was and the partial one removed
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
        } catch (IOException e) {
            throw new IOException("cannot write checkpoint " + root.resolve(slot) + " (step " + state.step()
                    + "): " + e.getMessage() + "; the previous checkpoint is kept", e);
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
     * What a crash left is repaired first ({@link #recover}).
     */
    public static void prepareRun(Path root, boolean resume, Path... staleFiles)
            throws IOException, CheckpointException {
        recover(root);
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

    /**
     * Repairs what a crash can leave under {@code root}: a {@code <slot>.old} without its
     * {@code <slot>} is renamed back, one beside a complete {@code <slot>} deleted, and
     * {@code *.tmp-*} folders (a checkpoint being written) deleted. Call it while holding the output
     * directory's lock, before the first write.
     */
    public static void recover(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.sorted().toList()) {
                String name = entry.getFileName().toString();
                if (name.contains(TMP_INFIX)) {
                    deleteRecursively(entry);
                } else if (name.endsWith(OLD_SUFFIX)) {
                    Path current = root.resolve(name.substring(0, name.length() - OLD_SUFFIX.length()));
                    if (Files.isDirectory(current)) {
                        deleteRecursively(entry);
                    } else {
                        move(entry, current);
                        AtomicFiles.forceDirectory(root);
                    }
                }
            }
        }
    }

    /** Reads the loop's position from checkpoint directory {@code dir}. */
    public static State readState(Path dir) throws CheckpointException {
        Path file = dir.resolve(STATE_FILE);
        try {
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            int version = o.get("format_version").getAsInt();
            if (version != FORMAT_VERSION) {
                throw new CheckpointException(file, "format version " + version + ", this build reads " + FORMAT_VERSION
                        + " (checkpoints of toolkit 0.1 do not record what they were trained with): train again");
            }
            JsonElement best = o.get("best_value");
            JsonElement reason = o.get("stop_reason");
            JsonObject plan = o.getAsJsonObject("schedule_plan");
            Map<String, String> run = new LinkedHashMap<>();
            o.getAsJsonObject("run").entrySet().forEach(e -> run.put(e.getKey(), e.getValue().getAsString()));
            return new State(
                    o.get("step").getAsLong(),
                    o.get("epoch").getAsInt(),
                    o.get("batch").getAsInt(),
                    best == null || best.isJsonNull() ? null : best.getAsDouble(),
                    o.get("best_step").getAsLong(),
                    o.get("last_evaluation_step").getAsLong(),
                    o.get("loss_since_evaluation").getAsDouble(),
                    o.get("steps_since_evaluation").getAsInt(),
                    new SchedulePlan(plan.get("steps").getAsLong(),
                            SchedulePlan.Basis.valueOf(plan.get("basis").getAsString().toUpperCase(Locale.ROOT)),
                            plan.get("steps_per_second").getAsDouble()),
                    reason == null || reason.isJsonNull() ? null
                            : StopReason.valueOf(reason.getAsString().toUpperCase(Locale.ROOT)),
                    run);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot read: " + e, e);
        } catch (JsonParseException | IllegalStateException | IllegalArgumentException | NullPointerException
                | UnsupportedOperationException | ClassCastException e) {
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
        o.addProperty("best_value", s.bestValue());
        o.addProperty("best_step", s.bestStep());
        o.addProperty("last_evaluation_step", s.lastEvaluationStep());
        // Exact: Gson writes the shortest decimal that reads back as the same double.
        o.addProperty("loss_since_evaluation", s.lossSinceEvaluation());
        o.addProperty("steps_since_evaluation", s.stepsSinceEvaluation());
        JsonObject plan = new JsonObject();
        plan.addProperty("steps", s.plan().steps());
        plan.addProperty("basis", s.plan().basis().name().toLowerCase(Locale.ROOT));
        plan.addProperty("steps_per_second", s.plan().stepsPerSecond());
        o.add("schedule_plan", plan);
        o.addProperty("stop_reason", s.stopReason() == null ? null : s.stopReason().name().toLowerCase(Locale.ROOT));
        JsonObject run = new JsonObject();
        s.run().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> run.addProperty(e.getKey(),
                e.getValue()));
        o.add("run", run);
        return new com.google.gson.GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(o) + "\n";
    }

    /** Renames {@code tmp} to {@code target}, with a complete checkpoint on disk at every moment. */
    private static void publish(Path tmp, Path target) throws IOException {
        Path root = target.getParent();
        Path old = target.resolveSibling(target.getFileName() + OLD_SUFFIX);
        if (Files.exists(target)) {
            // A complete target makes any old one stale; without a target, old is the checkpoint.
            deleteRecursively(old);
            move(target, old);
        }
        move(tmp, target);
        AtomicFiles.forceDirectory(root);
        deleteRecursively(old);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
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
