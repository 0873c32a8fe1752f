package dev.nlptoolkit.tasks.bench;

import ai.djl.ndarray.NDManager;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.JsonFiles;
import dev.nlptoolkit.models.bert.BertCheckpoint;
import dev.nlptoolkit.tasks.score.LocalScoreEngine;
import dev.nlptoolkit.tasks.score.ScoreJob;
import dev.nlptoolkit.tasks.score.ScoreOptions;
import dev.nlptoolkit.tasks.score.ScoreSummary;

import com.google.gson.JsonObject;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@link Workload#SCORE_CSV}: {@code score} end to end (CSV read, tokenisation, inference, CSV write) with a
 * BERT-mini classifier directory, randomly initialised and saved in Hugging Face format with the
 * bert-base-uncased tokenizer and {@code model_max_length} 128, over the SST-2 training sentences
 * ({@value #SENTENCES} rows, column {@code text}), batch 64. Each step is one whole file; rows/s. Before
 * anything else the process scores a one-row file: {@code startup_s} is the time from the JVM's start
 * to that row written, what a user waits for the first answer.
 *
 * <p>Reads {@code datasets/sst2/train.tsv} and {@code datasets/tokenizers/bert-base-uncased} from the
 * working directory (the repository root); the model directory, the CSV and the outputs are made in a
 * temporary directory, deleted at the end. The peer ({@code bench/peers.py score-csv}) scores the same
 * CSV with a transformers pipeline.
 */
final class ScoreCsv {

    static final int SENTENCES = 67_349;
    static final int MAX_LENGTH = 128;
    static final int BATCH = 64;
    static final Path SST2_TRAIN = Path.of("datasets", "sst2", "train.tsv");
    static final Path TOKENIZER = Path.of("datasets", "tokenizers", "bert-base-uncased");
    private static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "vocab.txt");

    private ScoreCsv() {}

    static BenchResult run(BenchSettings settings, NDManager manager) {
        double startup;
        long[] nanos = new long[settings.steps()];
        long[] cpuNanos = new long[settings.steps()];
        long rows = 0;
        Path work = null;
        try {
            work = Files.createTempDirectory("bench-score-csv");
            Path model = modelDirectory(work.resolve("model"), manager);
            List<String> sentences = sentences();
            Path one = writeCsv(work.resolve("one.csv"), sentences.subList(0, 1));
            Path all = writeCsv(work.resolve("sst2-train.csv"), sentences);
            LocalScoreEngine engine = new LocalScoreEngine(LocalScoreEngine.DEFAULT_WINDOW_ROWS,
                    new PrintWriter(Writer.nullWriter()));
            ScoreOptions options = ScoreOptions.builder().optBatchSize(BATCH).build();
            engine.run(ScoreJob.of(model, one, work.resolve("one.scored.csv"), options));
            startup = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1e3;
            for (int i = 0; i < settings.totalSteps(); i++) {
                Path out = work.resolve("scored-" + i + ".csv");
                Benchmarks.profileBefore(settings, i);
                long start = System.nanoTime();
                long cpuStart = ProcessCpu.nanos();
                ScoreSummary summary = engine.run(ScoreJob.of(model, all, out, options));
                long elapsed = System.nanoTime() - start;
                long cpu = ProcessCpu.nanos() - cpuStart;
                Benchmarks.profileAfter(settings, i);
                if (summary.scored() != sentences.size()) {
                    throw new IllegalStateException("score-csv scored " + summary.scored() + " of "
                            + sentences.size() + " rows (" + summary.errors() + " errors)");
                }
                rows = summary.rows();
                Files.delete(out);
                if (i >= settings.warmup()) {
                    nanos[i - settings.warmup()] = elapsed;
                    cpuNanos[i - settings.warmup()] = cpu;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("score-csv: " + e.getMessage(), e);
        } catch (CheckpointException e) {
            throw new IllegalStateException("score-csv could not load the model it saved: " + e.getMessage(), e);
        } finally {
            deleteQuietly(work);
        }
        StepTimes times = new StepTimes(nanos);
        JsonObject extras = new JsonObject();
        extras.addProperty("rows", rows);
        extras.addProperty("startup_s", BenchResult.round(startup));
        extras.addProperty("batch_size", BATCH);
        extras.addProperty("max_length", MAX_LENGTH);
        return Benchmarks.result(Workload.SCORE_CSV, rows / times.medianSeconds(), settings, times,
                new StepTimes(cpuNanos), extras);
    }

    /** A random BERT-mini classifier as transformers saves one, with the bert-base-uncased tokenizer. */
    private static Path modelDirectory(Path dir, NDManager manager) throws IOException {
        if (!Files.isDirectory(TOKENIZER)) {
            throw new UserInputException("score-csv needs " + TOKENIZER + ": run bench from the repository root");
        }
        Files.createDirectories(dir);
        BertCheckpoint.save(BertMini.model(manager), dir);
        for (String name : TOKENIZER_FILES) {
            Files.copy(TOKENIZER.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
        JsonObject config = new JsonObject();
        config.addProperty("do_lower_case", true);
        config.addProperty("model_max_length", MAX_LENGTH);
        JsonFiles.writeObject(dir.resolve("tokenizer_config.json"), config);
        return dir;
    }

    /** The sentence column of SST-2's train.tsv ({@code label<TAB>sentence}, a header line first). */
    private static List<String> sentences() throws IOException {
        if (!Files.isRegularFile(SST2_TRAIN)) {
            throw new UserInputException("score-csv needs " + SST2_TRAIN + ": run bench from the repository root");
        }
        List<String> out = new ArrayList<>(SENTENCES);
        try (BufferedReader in = Files.newBufferedReader(SST2_TRAIN, StandardCharsets.UTF_8)) {
            String line = in.readLine();
            int number = 1;
            while ((line = in.readLine()) != null) {
                number++;
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new UserInputException(SST2_TRAIN + ": line " + number + " has no tab");
                }
                out.add(line.substring(tab + 1));
            }
        }
        if (out.size() != SENTENCES) {
            throw new UserInputException(SST2_TRAIN + " has " + out.size() + " sentences, expected " + SENTENCES);
        }
        return out;
    }

    private static Path writeCsv(Path file, List<String> texts) throws IOException {
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader(ScoreOptions.DEFAULT_TEXT_COLUMN).build();
        try (CSVPrinter printer = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), format)) {
            for (String text : texts) {
                printer.printRecord(text);
            }
        }
        return file;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a temporary directory left behind must not hide the benchmark's figures or its failure
            System.err.println("bench: could not delete " + dir + ": " + e.getMessage());
        }
    }
}
