package dev.nlptoolkit.tasks.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.SafeTensors;
import dev.nlptoolkit.core.tokenize.HfTokenizer;
import dev.nlptoolkit.core.tokenize.WordVocabulary;
import dev.nlptoolkit.models.bert.BertConfig;
import dev.nlptoolkit.tasks.classify.ClassifierModel;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Untrusted files, mutated and truncated from real ones: every case must end in success or one of
 * the documented exceptions of its reader, within {@link #BOUND}, without OutOfMemoryError or
 * StackOverflowError. A few hundred cases in the normal run; {@code -Dfuzz.cases=10000} runs that many
 * per reader. A failure names the seed, and {@link Mutations#mutate} rebuilds the case from it.
 *
 * <p>Documented exceptions: {@link SafeTensors#read} a {@link CheckpointException};
 * {@link BertConfig#read} a {@link CheckpointException}; {@link WordVocabulary#load} an
 * {@link IOException}; a model directory ({@link ClassifierModel#load}: config.json, vocab.json) a
 * {@link CheckpointException}, an {@link IOException} or a {@link UserInputException}; tokenizer.json
 * ({@link HfTokenizer}) an {@link IOException}, checked in Java before the native (Rust) loader sees
 * it, and run in a child JVM so that a native abort would fail the test instead of the build.
 */
class UntrustedFilesFuzzTest {

    private static final Path FIXTURES = Path.of("..", "test-fixtures");
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int CASES = Mutations.cases(60);
    private static final long SEED = 20_261_201L;

    @TempDir static Path dir;

    /** Reads one mutant; returns normally or throws. */
    @FunctionalInterface
    interface Reader {
        void read(Path file) throws Exception;
    }

    /** Runs {@code cases} mutants of {@code base} through {@code reader}; returns how many were accepted. */
    static int fuzz(Path base, Path target, int cases, long seed, Reader reader, Set<Class<?>> documented)
            throws Exception {
        byte[] original = Files.readAllBytes(base);
        int accepted = 0;
        List<String> failures = new ArrayList<>();
        // A daemon worker: a case that never returns is reported, and does not keep the JVM alive.
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fuzz-case");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int c = 0; c < cases; c++) {
                long caseSeed = seed + c;
                Files.write(target, Mutations.mutate(original, caseSeed));
                Future<Throwable> outcome = worker.submit(() -> {
                    try {
                        reader.read(target);
                        return null;
                    } catch (Throwable t) {
                        return t;
                    }
                });
                Throwable thrown;
                try {
                    thrown = outcome.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    outcome.cancel(true);
                    throw new AssertionError(base.getFileName() + " seed " + caseSeed + ": no answer within " + BOUND);
                } catch (ExecutionException e) {
                    throw new AssertionError(base.getFileName() + " seed " + caseSeed, e.getCause());
                }
                if (thrown == null) {
                    accepted++;
                } else if (documented.stream().noneMatch(type -> type.isInstance(thrown))) {
                    failures.add("seed " + caseSeed + ": " + thrown);
                    if (thrown instanceof Error || failures.size() > 5) {
                        break;
                    }
                } else {
                    assertTrue(thrown.getMessage() != null && !thrown.getMessage().isBlank(),
                            "seed " + caseSeed + ": an error needs a message: " + thrown);
                }
            }
        } finally {
            worker.shutdownNow();
        }
        assertEquals(List.of(), failures, base + ": undocumented outcomes");
        return accepted;
    }

    @Test
    void safetensors() throws Exception {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            int accepted = fuzz(FIXTURES.resolve("lstm").resolve("lstm.safetensors"), dir.resolve("x.safetensors"),
                    CASES, SEED, file -> {
                        try (NDManager scope = manager.newSubManager()) {
                            SafeTensors.read(file, scope);
                        }
                    }, Set.of(CheckpointException.class));
            assertTrue(accepted < CASES, "most mutants are refused");
        }
    }

    @Test
    void bertConfigJson() throws Exception {
        fuzz(FIXTURES.resolve("tiny-bert").resolve("config.json"), dir.resolve("config.json"), CASES, SEED,
                BertConfig::read, Set.of(CheckpointException.class));
    }

    @Test
    void vocabJson() throws Exception {
        fuzz(FIXTURES.resolve("saved-v0.1").resolve("lstm").resolve("vocab.json"), dir.resolve("vocab.json"), CASES,
                SEED, WordVocabulary::load, Set.of(IOException.class));
    }

    /** Our own config.json and vocab.json, loaded as a whole model directory. */
    @Test
    void modelDirectory() throws Exception {
        Path saved = FIXTURES.resolve("saved-v0.1").resolve("lstm");
        Path model = Files.createDirectories(dir.resolve("model"));
        for (String file : List.of("config.json", "vocab.json", "model.safetensors")) {
            Files.copy(saved.resolve(file), model.resolve(file));
        }
        Set<Class<?>> documented = Set.of(CheckpointException.class, IOException.class, UserInputException.class);
        Reader load = file -> {
            try (ClassifierModel loaded = ClassifierModel.load(model, dev.nlptoolkit.core.device.DeviceChoice.CPU)) {
                loaded.labels();
            }
        };
        fuzz(saved.resolve("config.json"), model.resolve("config.json"), CASES / 2, SEED, load, documented);
        Files.copy(saved.resolve("config.json"), model.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        fuzz(saved.resolve("vocab.json"), model.resolve("vocab.json"), CASES / 2, SEED, load, documented);
    }

    /**
     * tokenizer.json in a child JVM: the Java check runs first and refuses what is malformed; what it
     * lets through goes to the Rust loader, whose panics would abort the process (Rust aborts on a
     * panic that reaches an FFI boundary). The child's exit status 0 shows none did.
     */
    @Test
    void tokenizerJsonCannotTakeTheProcessDown() throws Exception {
        Path out = dir.resolve("tokenizer-fuzz.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), TokenizerFuzz.class.getName(),
                FIXTURES.resolve("tiny-bert").resolve("tokenizer.json").toString(), dir.resolve("t").toString(),
                Integer.toString(CASES), Long.toString(SEED))
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(child.waitFor(10, TimeUnit.MINUTES), "the tokenizer fuzz did not finish");
        String log = Files.readString(out);
        assertEquals(0, child.exitValue(), log);
        assertTrue(log.contains("cases " + CASES + " "), log);
    }
}
