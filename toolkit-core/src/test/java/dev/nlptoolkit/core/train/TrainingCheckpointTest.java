package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.train.TrainingResult.StopReason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

class TrainingCheckpointTest {

    private static final SchedulePlan PLAN = new SchedulePlan(10, SchedulePlan.Basis.EPOCHS, 0);

    private static TrainingCheckpoint.State state(long step, StopReason reason) {
        return new TrainingCheckpoint.State(step, 1, 2, 0.5, 2, 2, 1.25, 1, PLAN, reason, Map.of("seed", "1"));
    }

    private static List<Path> entries(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.sorted().toList();
        }
    }

    @Test
    void rewriteLeavesOneCompleteCheckpointAndNoTemporaries(@TempDir Path root) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(10)) {
                ModelStore store = ModelStore.ofParameters(r.parameters);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, state(3, null), store, opt);
                TrainingCheckpoint.State second = state(5, StopReason.TIME_BUDGET);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, second, store, opt);
                assertEquals(List.of(root.resolve(TrainingCheckpoint.LAST)), entries(root));
                Path last = root.resolve(TrainingCheckpoint.LAST);
                assertEquals(second, TrainingCheckpoint.readState(last));
                assertTrue(Files.exists(last.resolve(TrainingCheckpoint.OPTIMIZER_FILE)));

                // A crash between the two renames leaves only last.old: it is still found.
                Files.move(last, root.resolve(TrainingCheckpoint.LAST + ".old"));
                Path found = TrainingCheckpoint.find(root, TrainingCheckpoint.LAST);
                assertEquals(second, TrainingCheckpoint.readState(found));
                float[] saved = r.weights();
                Regression other = new Regression(manager);
                other.parameters.get("bias").getArray().addi(1f);
                try (AdamW otherOpt = other.adamW(10)) {
                    TrainingCheckpoint.restore(found, ModelStore.ofParameters(other.parameters), otherOpt);
                }
                assertArrayEquals(saved, other.weights());
                assertNull(TrainingCheckpoint.find(root, TrainingCheckpoint.BEST));
            }
        }
    }

    /**
     * Regression: publishing deleted {@code last.old} first, so after a crash between the renames the next
     * write left no checkpoint until it finished; and stale temporaries were never removed.
     */
    @Test
    void recoverRestoresTheOldCheckpointAndRemovesTemporaries(@TempDir Path root) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(10)) {
                ModelStore store = ModelStore.ofParameters(r.parameters);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, state(3, null), store, opt);
                TrainingCheckpoint.write(root, TrainingCheckpoint.BEST, state(2, null), store, null);
                Files.move(root.resolve("last"), root.resolve("last.old"));
                Files.createDirectories(root.resolve("last.tmp-123").resolve("half"));
                Files.writeString(root.resolve("best.tmp-9"), "partial");
                // best.old beside a complete best is stale.
                Files.createDirectories(root.resolve("best.old"));

                TrainingCheckpoint.recover(root);
                assertEquals(List.of(root.resolve("best"), root.resolve("last")), entries(root));
                assertEquals(3, TrainingCheckpoint.readState(root.resolve("last")).step());
            }
        }
    }

    @Test
    void aFullDiskKeepsThePreviousCheckpointAndSaysWhichFailed(@TempDir Path root) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(10)) {
                ModelStore store = ModelStore.ofParameters(r.parameters);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, state(3, null), store, opt);
                float[] before = r.weights();
                r.parameters.get("bias").getArray().addi(1f);
                // A store whose file system fills up half-way through the weights.
                ModelStore full = new ModelStore() {
                    @Override
                    public void save(Path dir) throws IOException {
                        try (OutputStream out = Files.newOutputStream(dir.resolve("model.safetensors"))) {
                            out.write(new byte[100]);
                            throw new IOException("No space left on device");
                        }
                    }

                    @Override
                    public void load(Path dir) throws CheckpointException {
                        store.load(dir);
                    }
                };
                IOException e = assertThrows(IOException.class,
                        () -> TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, state(4, null), full, opt));
                assertTrue(e.getMessage().contains(root.resolve("last") + " (step 4): No space left on device")
                        && e.getMessage().contains("previous checkpoint is kept"), e.getMessage());
                assertEquals(List.of(root.resolve(TrainingCheckpoint.LAST)), entries(root));
                assertEquals(3, TrainingCheckpoint.readState(root.resolve("last")).step());
                Regression reloaded = new Regression(manager);
                ModelStore.ofParameters(reloaded.parameters).load(root.resolve("last"));
                assertArrayEquals(before, reloaded.weights());
            }
        }
    }
}
