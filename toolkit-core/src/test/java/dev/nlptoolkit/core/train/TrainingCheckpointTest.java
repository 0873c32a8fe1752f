package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

class TrainingCheckpointTest {

    @Test
    void rewriteLeavesOneCompleteCheckpointAndNoTemporaries(@TempDir Path root) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Regression r = new Regression(manager);
            try (AdamW opt = r.adamW(10)) {
                ModelStore store = ModelStore.ofParameters(r.parameters);
                TrainingCheckpoint.State first = new TrainingCheckpoint.State(3, 0, 3, 1, 0.5, 2, 1);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, first, store, opt);
                TrainingCheckpoint.State second = new TrainingCheckpoint.State(5, 1, 0, 1, null, 0, 0);
                TrainingCheckpoint.write(root, TrainingCheckpoint.LAST, second, store, opt);
                try (Stream<Path> entries = Files.list(root)) {
                    assertEquals(List.of(root.resolve(TrainingCheckpoint.LAST)), entries.toList());
                }
                Path last = root.resolve(TrainingCheckpoint.LAST);
                assertEquals(second, TrainingCheckpoint.readState(last));
                assertEquals(true, Files.exists(last.resolve(TrainingCheckpoint.OPTIMIZER_FILE)));

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
}
