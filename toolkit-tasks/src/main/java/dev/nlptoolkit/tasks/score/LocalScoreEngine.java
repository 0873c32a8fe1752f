package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.tasks.classify.ClassifierModel;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.zip.GZIPOutputStream;

/**
 * Scores a file on this machine, streaming: memory stays flat whatever the file's size.
 *
 * <p>A reader thread reads and tokenises windows of {@link #windowRows} records and hands them through
 * a queue of {@value #QUEUE_WINDOWS} windows (back-pressure) to the calling thread, which runs the model
 * and writes. Window {@code k} holds rows {@code [k * W, (k + 1) * W)} of the file; inside it records
 * are batched by token length and written back in input order, so which rows share a batch depends only
 * on their index.
 *
 * <p>Crash safety: the output is written to {@code OUT.partial}; after each window it is forced to disk
 * and {@code OUT.progress.json} ({@link ProgressRecord}) records how far it got. At the end the partial
 * file is renamed to {@code OUT}. A run with {@link ScoreJob#resume()} continues from the last window
 * recorded, so the final file is byte-identical to an uninterrupted run's; a changed input, model or
 * setting, or a gzip output, cannot be resumed.
 *
 * <p>A write that fails (a full disk, say) throws an {@link IOException} naming the partial file: an
 * earlier {@code OUT} is left as it was, and the rows the progress record covers stay in the partial
 * file for {@code --resume} once there is room.
 */
public final class LocalScoreEngine implements ScoreEngine {

    /** Rows per window: the granularity of resuming, and the most rows held in memory per queue slot. */
    public static final int DEFAULT_WINDOW_ROWS = 4096;
    public static final String PARTIAL_SUFFIX = ".partial";
    public static final String PROGRESS_SUFFIX = ".progress.json";
    private static final int QUEUE_WINDOWS = 2;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final long JOIN_MILLIS = 10_000;

    private final int windowRows;
    private final PrintWriter messages;

    /** Windows of {@value #DEFAULT_WINDOW_ROWS} rows, messages and progress on stderr. */
    public LocalScoreEngine() {
        this(DEFAULT_WINDOW_ROWS, new PrintWriter(System.err, true));
    }

    public LocalScoreEngine(int windowRows, PrintWriter messages) {
        if (windowRows < 1) {
            throw new IllegalArgumentException("window rows must be at least 1, got " + windowRows);
        }
        this.windowRows = windowRows;
        this.messages = messages;
    }

    /** Where a run writes before it is complete: {@code OUT.partial}. */
    public static Path partialFile(Path output) {
        return output.resolveSibling(output.getFileName() + PARTIAL_SUFFIX);
    }

    /** The progress record of an incomplete run: {@code OUT.progress.json}. */
    public static Path progressFile(Path output) {
        return output.resolveSibling(output.getFileName() + PROGRESS_SUFFIX);
    }

    /** The columns of the output and how records map to it, read from the start of the input. */
    private record Head(RecordLayout layout, List<String> header, InputRecord firstRecord) {}

    /** One window: its records, tokenised, and where the input stands after it. */
    private record Window(List<InputRecord> records, BatchScorer.Prepared prepared, long endOffset, long endLine,
            long fileBytes, Throwable failure) {

        static final Window END = new Window(List.of(), null, 0, 0, 0, null);
    }

    @Override
    public ScoreSummary run(ScoreJob job) throws IOException, CheckpointException {
        long start = System.nanoTime();
        checkPaths(job);
        if (job.threads() != null) {
            EngineSettings.threads(job.threads(), EngineSettings.current().interOp());
        }
        try (ClassifierModel model = ClassifierModel.load(job.model(), job.device())) {
            return run(job, model, start);
        }
    }

    /**
     * Runs {@code job} with a model already loaded from {@code job.model()} (which stays the caller's to
     * close); {@link ScoreJob#device()} and {@link ScoreJob#threads()} are the caller's business then.
     */
    public ScoreSummary run(ScoreJob job, ClassifierModel model) throws IOException {
        long start = System.nanoTime();
        checkPaths(job);
        return run(job, model, start);
    }

    private static void checkPaths(ScoreJob job) {
        if (job.inputFormat() == TableFormat.PARQUET || job.outputFormat() == TableFormat.PARQUET) {
            throw new UserInputException("Parquet is read and written by the Spark engine: add --engine spark");
        }
        if (!Files.isRegularFile(job.input()) || !Files.isReadable(job.input())) {
            throw new UserInputException(job.input() + ": no such file, or not readable");
        }
        if (job.resume() && TableFormat.gzip(job.output())) {
            throw new UserInputException(job.output() + ": cannot resume onto a gzip output (a compressed stream"
                    + " cut by a crash cannot be continued byte for byte); score again without --resume, or write"
                    + " an uncompressed file and compress it afterwards");
        }
    }

    private ScoreSummary run(ScoreJob job, ClassifierModel model, long start) throws IOException {
        Path input = job.input();
        BasicFileAttributes attributes = Files.readAttributes(input, BasicFileAttributes.class);
        TableFormat inFormat = job.inputFormat();
        TableFormat outFormat = job.outputFormat();
        try (RecordReader reader = RecordReader.open(input, inFormat, job.delimiter(inFormat))) {
            BatchScorer scorer = new BatchScorer(model, job.options());
            Head head = head(reader, job, inFormat, scorer.labels());
            String fingerprint = ModelFingerprint.of(job.model());
            String settings = settings(job, inFormat, outFormat, model);
            ProgressRecord from = job.resume() ? resumePoint(job, attributes, fingerprint, settings) : null;
            InputRecord first = head.firstRecord();
            if (from != null) {
                reader.seek(from.inputOffset(), from.inputLine());
                first = null;
                messages.println("score: resuming " + partialFile(job.output()) + " at row " + from.rows()
                        + " (line " + from.inputLine() + ")");
                messages.flush();
            }
            ProgressRecord origin = from != null ? from : new ProgressRecord(0, 0, 0, 0, reader.offset(),
                    reader.line(), attributes.size(), attributes.lastModifiedTime().toMillis(), fingerprint, settings);
            boolean gzipOutput = TableFormat.gzip(job.output());
            Counts counts = write(job, reader, scorer, head, first, origin, outFormat, gzipOutput);
            double seconds = (System.nanoTime() - start) / NANOS_PER_SECOND;
            return new ScoreSummary(counts.rows, counts.scored, counts.errors, seconds,
                    (counts.rows - origin.rows()) / Math.max(seconds, 1e-9));
        }
    }

    /** Rows written so far, by outcome. */
    private static final class Counts {
        long rows;
        long scored;
        long errors;
    }

    private Counts write(ScoreJob job, RecordReader reader, BatchScorer scorer, Head head, InputRecord first,
            ProgressRecord from, TableFormat outFormat, boolean gzipOutput) throws IOException {
        Path output = job.output();
        Path partial = partialFile(output);
        Path progressFile = progressFile(output);
        boolean resumed = from.rows() > 0;
        if (output.toAbsolutePath().getParent() != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
        }
        Counts counts = new Counts();
        counts.rows = from.rows();
        counts.scored = from.scored();
        counts.errors = from.errors();
        ScoreProgressBar bar = job.progress()
                ? new ScoreProgressBar(messages, System.console() != null, ScoreProgressBar.LINE_INTERVAL,
                        from.inputSize(), from.rows(), reader.fileBytesRead(), System::nanoTime)
                : null;
        BlockingQueue<Window> queue = new ArrayBlockingQueue<>(QUEUE_WINDOWS);
        Thread producer = new Thread(() -> produce(job.input(), reader, scorer, head.layout(), first, queue),
                "score-reader");
        producer.setDaemon(true);
        FileChannel channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        // The rows the progress record on disk covers: what a --resume after a failed write keeps.
        long kept = from.rows();
        try {
            if (resumed) {
                channel.truncate(from.outputBytes());
                channel.position(from.outputBytes());
            } else {
                channel.truncate(0);
                Files.deleteIfExists(progressFile);
            }
            OutputStream stream = Channels.newOutputStream(channel);
            if (gzipOutput) {
                stream = new GZIPOutputStream(stream, 1 << 16);
            }
            try (RecordWriter writer = new RecordWriter(stream, job.delimiter(outFormat))) {
                if (!resumed && head.header() != null) {
                    writer.writeRecord(head.header());
                }
                producer.start();
                for (Window window = take(queue); window != Window.END; window = take(queue)) {
                    List<ScoreResult> results = scorer.score(window.prepared());
                    for (int i = 0; i < results.size(); i++) {
                        ScoreResult result = results.get(i);
                        head.layout().write(window.records().get(i), result, writer);
                        if (result.ok()) {
                            counts.scored++;
                        } else {
                            counts.errors++;
                        }
                    }
                    counts.rows += results.size();
                    if (!gzipOutput) {
                        writer.flush();
                        channel.force(false);
                        new ProgressRecord(counts.rows, counts.scored, counts.errors, channel.position(),
                                window.endOffset(), window.endLine(), from.inputSize(), from.inputModified(),
                                from.modelFingerprint(), from.settings()).write(progressFile);
                        kept = counts.rows;
                    }
                    if (bar != null) {
                        bar.update(counts.rows, window.fileBytes());
                    }
                }
                writer.flush();
            }
            try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                written.force(true);
            }
        } catch (InputFailure | InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw cannotWrite(partial, output, gzipOutput, kept, e);
        } finally {
            producer.interrupt();
            try {
                producer.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel.close();
        }
        try {
            Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.deleteIfExists(progressFile);
        if (bar != null) {
            bar.finish(counts.rows, reader.fileBytesRead());
        }
        return counts;
    }

    /** A failure to read the input, from the reader thread: not one of writing the output. */
    private static final class InputFailure extends IOException {
        private static final long serialVersionUID = 1L;

        InputFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Names the file a write failed on, says that {@code output} is untouched and how to go on. */
    private static IOException cannotWrite(Path partial, Path output, boolean gzip, long kept, IOException e) {
        String then = gzip ? "free some space and score again"
                : "the first " + kept + " rows stay in it: free some space and rerun with --resume to continue"
                        + " from there";
        String reason = e.getMessage() == null ? e.toString() : e.getMessage();
        return new IOException(partial + ": cannot write: " + reason + "; " + output
                + (Files.exists(output) ? " is left as it was; " : " was not written; ") + then, e);
    }

    /** The next window; a failure of the reader thread is thrown here. */
    private static Window take(BlockingQueue<Window> queue) throws IOException {
        Window window;
        try {
            window = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while scoring");
        }
        Throwable failure = window.failure();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return window;
    }

    /** The reader thread: windows of records, tokenised, until the end of the input or a failure. */
    private void produce(Path input, RecordReader reader, BatchScorer scorer, RecordLayout layout, InputRecord first,
            BlockingQueue<Window> queue) {
        try {
            InputRecord pending = first;
            while (true) {
                List<InputRecord> records = new ArrayList<>(windowRows);
                if (pending != null) {
                    records.add(pending);
                    pending = null;
                }
                for (InputRecord r = records.size() < windowRows ? reader.next() : null; r != null;
                        r = records.size() < windowRows ? reader.next() : null) {
                    records.add(r);
                }
                if (records.isEmpty()) {
                    break;
                }
                List<ScoreInput> inputs = new ArrayList<>(records.size());
                records.forEach(record -> inputs.add(layout.input(record)));
                queue.put(new Window(records, scorer.prepare(inputs), reader.offset(), reader.line(),
                        reader.fileBytesRead(), null));
                if (records.size() < windowRows) {
                    break;
                }
            }
            queue.put(Window.END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException | Error e) {
            Exception cause = e instanceof IOException io
                    ? new InputFailure(input + ": cannot read on: " + io.getMessage(), io) : null;
            try {
                queue.put(new Window(List.of(), null, 0, 0, 0, cause != null ? cause : e));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads the header (or the first record) and checks the columns against the options. */
    private static Head head(RecordReader reader, ScoreJob job, TableFormat format, List<String> labels)
            throws IOException {
        ScoreOptions options = job.options();
        if (format == TableFormat.JSONL) {
            JsonLayout layout = new JsonLayout(options, labels);
            InputRecord first = reader.next();
            String clash = first == null ? null : layout.clash(first);
            if (clash != null) {
                throw new UserInputException(job.input() + ": line 1: " + JsonLayout.clashMessage(clash));
            }
            return new Head(layout, null, first);
        }
        InputRecord first = reader.next();
        if (first == null) {
            // An empty file: nothing to score, and no columns to check the options against.
            List<String> header = job.header() ? OutputSchema.addedColumns(labels, options) : null;
            return new Head(RecordLayout.tabular(null), header, null);
        }
        if (job.header()) {
            if (first.error() != null) {
                throw new UserInputException(job.input() + ": line 1, the header: " + first.error());
            }
            OutputSchema schema = OutputSchema.of(first.fields(), true, labels, options);
            return new Head(RecordLayout.tabular(schema), schema.columns(), null);
        }
        OutputSchema schema = OutputSchema.of(OutputSchema.positions(first.fields().size()), false, labels, options);
        return new Head(RecordLayout.tabular(schema), null, first);
    }

    /** Every setting that changes the output bytes: a resumed run must have the same. */
    private String settings(ScoreJob job, TableFormat inFormat, TableFormat outFormat, ClassifierModel model) {
        return job.options().signature() + "|window=" + windowRows + "|in=" + inFormat + "|out=" + outFormat
                + "|in_delimiter=" + (int) job.delimiter(inFormat) + "|out_delimiter=" + (int) job.delimiter(outFormat)
                + "|header=" + job.header() + "|device=" + job.device().resolve() + "|max_length=" + model.maxLength();
    }

    /** The progress record to continue from, or null (with a message) when there is none. */
    private ProgressRecord resumePoint(ScoreJob job, BasicFileAttributes input, String fingerprint,
            String settings) throws IOException {
        Path partial = partialFile(job.output());
        Path progress = progressFile(job.output());
        if (!Files.isRegularFile(partial) || !Files.isRegularFile(progress)) {
            messages.println("score: nothing to resume (no " + partial + " with " + progress.getFileName()
                    + "); scoring from the first row");
            messages.flush();
            return null;
        }
        ProgressRecord record = ProgressRecord.read(progress);
        long modified = input.lastModifiedTime().toMillis();
        if (record.inputSize() != input.size() || record.inputModified() != modified) {
            throw new UserInputException(job.input() + ": changed since the interrupted run (size "
                    + record.inputSize() + " -> " + input.size() + " bytes, modified " + record.inputModified()
                    + " -> " + modified + " ms); score again without --resume");
        }
        if (!record.modelFingerprint().equals(fingerprint)) {
            throw new UserInputException(job.model() + ": the model's files changed since the interrupted run"
                    + "; score again without --resume");
        }
        if (!record.settings().equals(settings)) {
            throw new UserInputException("the options differ from the interrupted run's (then: "
                    + record.settings() + "; now: " + settings + "); resume with the same options, or score again"
                    + " without --resume");
        }
        if (Files.size(partial) < record.outputBytes()) {
            throw new UserInputException(partial + ": shorter (" + Files.size(partial) + " bytes) than its"
                    + " progress record says (" + record.outputBytes() + "); score again without --resume");
        }
        return record.rows() > 0 ? record : null;
    }
}
