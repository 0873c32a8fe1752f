package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/** {@link TrainingHistory} reads back what {@link TrainingLog} writes. */
class TrainingHistoryTest {

    @TempDir Path dir;

    @Test
    void readsWhatTheTrainingLoopWritesAndNamesABadLine() throws IOException {
        Path log = dir.resolve("train_log.jsonl");
        try (TrainingLog writer = TrainingLog.open(log)) {
            writer.write(100, 0.25, 2e-3, 0.693, 12.5, Map.of("accuracy", 0.75));
            writer.write(200, 0.5, 1e-3, 0.5, 25, Map.of("accuracy", 0.8));
        }
        TrainingHistory history = TrainingHistory.read(log);
        assertEquals(2, history.entries().size());
        TrainingHistory.Entry first = history.entries().get(0);
        assertEquals(100, first.step());
        assertEquals(0.25, first.epoch());
        assertEquals(2e-3, first.lr());
        assertEquals(0.693, first.trainLoss());
        assertEquals(12.5, first.elapsedSeconds());
        assertEquals(0.75, first.metrics().get("accuracy"));
        assertEquals(List.of("accuracy"), history.metricNames());

        Files.writeString(log, "\n{\"step\": 3}\n", StandardOpenOption.APPEND);
        IOException e = assertThrows(IOException.class, () -> TrainingHistory.read(log));
        assertTrue(e.getMessage().contains(log + ": line 4") && e.getMessage().contains("no \"epoch\""),
                e.getMessage());
    }

    @Test
    void ofRunReadsTheRunsLogAndSaysWhenThereIsNone() throws IOException {
        IOException none = assertThrows(IOException.class, () -> TrainingHistory.ofRun(dir));
        assertTrue(none.getMessage().contains(RunFiles.LOG_FILE + ": no training log"), none.getMessage());
        try (TrainingLog writer = TrainingLog.open(dir.resolve(RunFiles.LOG_FILE))) {
            writer.write(7, 1, 1e-3, 0.5, 1, Map.of());
        }
        TrainingHistory history = TrainingHistory.ofRun(dir);
        assertEquals(7, history.entries().get(0).step());
        assertEquals(List.of(), history.metricNames());
    }
}
