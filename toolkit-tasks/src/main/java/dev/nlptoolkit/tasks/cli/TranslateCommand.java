package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.TextFiles;
import dev.nlptoolkit.core.tokenize.BpeVocabulary;
import dev.nlptoolkit.core.train.ProgressBar;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.tasks.cli.options.BatchSizeOption;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.translate.Translation;
import dev.nlptoolkit.tasks.translate.TranslationModel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit translate}: translates sentences, one per line, with a model directory train-translator wrote. */
@Command(
        name = "translate",
        description = {
            "Translate each line of --input (default: stdin) into a line of --output (default: stdout): exactly as"
                    + " many lines out as in, in order; an empty line gives an empty line. Output is detokenised,"
                    + " cased text.",
            "With --nbest N each input gives N lines index<TAB>score<TAB>text (index 0-based, best first; one line"
                    + " for an empty input), as fairseq prints hypotheses. Progress on inputs of over "
                    + TranslateCommand.CHUNK_LINES + " lines goes to stderr."
        })
public final class TranslateCommand implements Callable<Integer> {

    /** Lines translated and written at a time, so the output grows and the progress moves. */
    static final int CHUNK_LINES = 1024;
    private static final Path STDIN = Path.of("<stdin>");

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A translator model directory.")
    Path model;

    @Option(names = "--input", paramLabel = "SRC.txt", description = "Source sentences, UTF-8. Default: stdin.")
    Path input;

    @Option(names = "--output", paramLabel = "HYP.txt", description = "Written atomically. Default: stdout.")
    Path output;

    @Option(names = "--beam", paramLabel = "K", defaultValue = "" + DecodeOptions.DEFAULT_BEAM,
            description = "Beam width; 1 decodes greedily. Default: ${DEFAULT-VALUE}.")
    int beam;

    @Option(names = "--max-len-a", paramLabel = "A", defaultValue = "" + DecodeOptions.DEFAULT_MAX_LEN_A,
            description = "Outputs stop at A x source length + B subwords. Default: ${DEFAULT-VALUE}.")
    float maxLenA;

    @Option(names = "--max-len-b", paramLabel = "B", defaultValue = "" + DecodeOptions.DEFAULT_MAX_LEN_B,
            description = "See --max-len-a. Default: ${DEFAULT-VALUE}.")
    int maxLenB;

    @Option(names = "--min-len", paramLabel = "N", defaultValue = "0",
            description = "No output ends before N subwords (eos is banned until then; fairseq's --min-len)."
                    + " Default: ${DEFAULT-VALUE}.")
    int minLength;

    @Option(names = "--no-cache",
            description = "Re-decode the whole prefix at every step instead of extending the cached keys and"
                    + " values: the same output, slower; for checking and timing the cache.")
    boolean noCache;

    @Option(names = "--length-penalty", paramLabel = "ALPHA", defaultValue = "" + DecodeOptions.DEFAULT_LENGTH_PENALTY,
            description = "GNMT length penalty alpha (0: none). Default: ${DEFAULT-VALUE}.")
    float lengthPenalty;

    @Option(names = "--no-repeat-ngram", paramLabel = "N", defaultValue = "0",
            description = "No n-gram of N subwords occurs twice in an output (0: off). Default: ${DEFAULT-VALUE}.")
    int noRepeatNgram;

    @Option(names = "--nbest", paramLabel = "N", defaultValue = "1",
            description = "Hypotheses per input, at most --beam; above 1 lines are index<TAB>score<TAB>text."
                    + " Default: ${DEFAULT-VALUE}.")
    int nbest;

    @Option(names = "--attention-out", paramLabel = "FILE",
            description = "Also write, per input line, the best hypothesis' attention over the source as JSON lines"
                    + " {\"index\", \"source\", \"target\", \"alignment\"} (rows: target subwords then </s>;"
                    + " columns: source subwords then </s>). Default: none.")
    Path attentionOut;

    @Mixin BatchSizeOption batchSize;

    @Mixin RuntimeOptions runtime;

    @Spec private CommandSpec spec;

    /**
     * What a run did.
     *
     * @param lines input lines read
     * @param outputLines lines written (lines x nbest, less for empty inputs, when nbest > 1)
     */
    public record Summary(int lines, long outputLines) {}

    @Override
    public Integer call() throws IOException, CheckpointException {
        runtime.applyThreads();
        PrintWriter stdout = spec.commandLine().getOut();
        Summary summary = run(System.in, stdout);
        if (output != null) {
            spec.commandLine().getErr().printf(Locale.ROOT, "translate: %d lines into %s%n", summary.lines(), output);
            spec.commandLine().getErr().flush();
        }
        return ToolkitCli.EXIT_OK;
    }

    /** Translates {@code --input} (else {@code stdin}) into {@code --output} (else {@code stdout}). */
    public Summary run(InputStream stdin, Writer stdout) throws IOException, CheckpointException {
        DecodeOptions options;
        if (noCache && attentionOut != null) {
            throw new UserInputException("--attention-out writes the attention the decoder cache keeps: leave out"
                    + " --no-cache to write it");
        }
        try {
            options = DecodeOptions.defaults().withBeam(beam).withNbest(nbest).withLengthPenalty(lengthPenalty)
                    .withMaxLength(maxLenA, maxLenB).withMinLength(minLength).withNoRepeatNgram(noRepeatNgram)
                    .withIncremental(!noCache);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        List<String> sources = readSources(stdin);
        int batch = batchSize.orElse(TranslationModel.DEFAULT_BATCH_SIZE);
        try (TranslationModel translator = TranslationModel.load(model, runtime.device())) {
            if (output == null) {
                long written = translate(translator, sources, options, batch, stdout);
                stdout.flush();
                return new Summary(sources.size(), written);
            }
            long[] written = new long[1];
            AtomicFiles.write(output, stream -> {
                Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                written[0] = translate(translator, sources, options, batch, writer);
                writer.flush();
            });
            return new Summary(sources.size(), written[0]);
        }
    }

    private List<String> readSources(InputStream stdin) throws IOException {
        try {
            return input == null ? TextFiles.readLines(stdin, STDIN) : TextFiles.readLines(input);
        } catch (NoSuchFileException e) {
            throw new UserInputException(input + ": no such file", e);
        } catch (DatasetException e) {
            throw new UserInputException(e.getMessage(), e);
        }
    }

    /** Translates chunk by chunk, writing as it goes; returns the lines written. */
    private long translate(TranslationModel translator, List<String> sources, DecodeOptions options, int batch,
            Writer out) throws IOException {
        // Only inputs of more than one chunk take long enough to want progress.
        ProgressBar progress = sources.size() > CHUNK_LINES ? ProgressBar.toStderr("lines", "lines") : null;
        if (progress != null) {
            progress.start(sources.size(), 0);
        }
        long written = 0;
        try (Writer attention = attentionOut == null ? null : Files.newBufferedWriter(attentionOut, StandardCharsets.UTF_8)) {
            for (int start = 0; start < sources.size(); start += CHUNK_LINES) {
                List<String> chunk = sources.subList(start, Math.min(sources.size(), start + CHUNK_LINES));
                List<List<Translation>> results = translator.translateNbest(chunk, options, batch, attention != null);
                for (int i = 0; i < chunk.size(); i++) {
                    written += write(out, start + i, results.get(i));
                    if (attention != null) {
                        attention.write(alignmentJson(start + i, results.get(i).get(0)).toString());
                        attention.write('\n');
                    }
                }
                if (progress != null) {
                    progress.advance(start + chunk.size(), chunk.size());
                }
            }
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        return written;
    }

    private long write(Writer out, int index, List<Translation> hypotheses) throws IOException {
        if (nbest == 1) {
            out.write(hypotheses.get(0).text());
            out.write('\n');
            return 1;
        }
        for (Translation h : hypotheses) {
            out.write(String.format(Locale.ROOT, "%d\t%.4f\t%s%n", index, h.score(), h.text()));
        }
        return hypotheses.size();
    }

    static JsonObject alignmentJson(int index, Translation best) {
        JsonObject json = new JsonObject();
        json.addProperty("index", index);
        json.add("source", tokens(best.sourceTokens(), best.alignment() != null));
        json.add("target", tokens(best.targetTokens(), best.alignment() != null));
        JsonArray rows = new JsonArray();
        if (best.alignment() != null) {
            for (float[] row : best.alignment()) {
                JsonArray weights = new JsonArray();
                for (float w : row) {
                    weights.add(w);
                }
                rows.add(weights);
            }
        }
        json.add("alignment", rows);
        return json;
    }

    /** The subwords and, for a decoded sentence, the {@code </s>} its alignment has a row or column for. */
    private static JsonArray tokens(List<String> tokens, boolean withEnd) {
        JsonArray array = new JsonArray();
        tokens.forEach(array::add);
        if (withEnd) {
            array.add(BpeVocabulary.EOS);
        }
        return array;
    }
}
