package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.data.DatasetException;
import dev.nlptoolkit.core.data.TextFiles;
import dev.nlptoolkit.core.metric.Bleu;
import dev.nlptoolkit.core.metric.BleuScore;
import dev.nlptoolkit.core.metric.BleuTokenizer;
import dev.nlptoolkit.core.metric.Chrf;
import dev.nlptoolkit.core.metric.ChrfScore;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code toolkit bleu}: corpus BLEU and chrF of a hypothesis file, exactly as sacreBLEU 2.6 computes them. */
@Command(
        name = "bleu",
        description = {
            "Score detokenised hypotheses against one or more reference files, one segment a line, and print one"
                    + " JSON object: {\"bleu\", \"precisions\", \"bp\", \"sys_len\", \"ref_len\", \"chrf\","
                    + " \"signature\"}.",
            "The numbers are sacreBLEU 2.6's corpus BLEU and chrF2 (sacrebleu REF... -i HYP -m bleu chrf), and"
                    + " \"signature\" holds each metric's settings as sacreBLEU writes them.",
            "Files are UTF-8 (or gzip of it), lines end at \\n, as sacreBLEU reads them."
        })
public final class BleuCommand implements Callable<Integer> {

    /** The --hyp name for standard input. */
    static final String STDIN = "-";

    @Option(names = "--hyp", required = true, paramLabel = "FILE",
            description = "The system's output; - reads standard input (e.g. piped from translate).")
    Path hypotheses;

    @Option(names = "--ref", required = true, paramLabel = "FILE",
            description = "A reference file, as many lines as --hyp; repeat for more references per segment.")
    List<Path> references;

    @Option(names = "--tokenize", paramLabel = "TOK", defaultValue = "13a", converter = TokenizerConverter.class,
            completionCandidates = TokenizerConverter.class,
            description = "BLEU's tokenizer: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.")
    BleuTokenizer tokenizer;

    @Option(names = "--lowercase",
            description = "Lower-case before BLEU, as sacreBLEU's --lowercase (chrF stays case-sensitive unless"
                    + " --chrf-lowercase). Default: ${DEFAULT-VALUE}.")
    boolean lowercase;

    @Option(names = "--chrf-lowercase", description = "Lower-case before chrF. Default: ${DEFAULT-VALUE}.")
    boolean chrfLowercase;

    @Option(names = "--chrf-word-order", paramLabel = "N", defaultValue = "" + Chrf.DEFAULT_WORD_ORDER,
            description = "Word n-gram order of chrF; 2 gives chrF++. Default: ${DEFAULT-VALUE}.")
    int chrfWordOrder;

    @Spec private CommandSpec spec;

    /** BLEU and chrF of one hypothesis file. */
    public record Report(BleuScore bleu, ChrfScore chrf) {

        /** The printed object; scores at full precision, not rounded as sacreBLEU's text output is. */
        public JsonObject toJson() {
            JsonObject json = new JsonObject();
            json.addProperty("bleu", bleu.score());
            JsonArray precisions = new JsonArray();
            Arrays.stream(bleu.precisions()).forEach(precisions::add);
            json.add("precisions", precisions);
            json.addProperty("bp", bleu.brevityPenalty());
            json.addProperty("sys_len", bleu.systemLength());
            json.addProperty("ref_len", bleu.referenceLength());
            json.addProperty("chrf", chrf.score());
            JsonObject signature = new JsonObject();
            signature.addProperty("bleu", bleu.signature());
            signature.addProperty(chrf.name(), chrf.signature());
            json.add("signature", signature);
            return json;
        }
    }

    @Override
    public Integer call() throws IOException {
        Bleu bleu = Bleu.builder().optTokenizer(tokenizer).optLowercase(lowercase).build();
        Chrf chrf = Chrf.builder().optLowercase(chrfLowercase).optWordOrder(chrfWordOrder).build();
        Report report = run(hypotheses, references, bleu, chrf);
        PrintWriter out = spec.commandLine().getOut();
        out.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(report.toJson()));
        out.flush();
        return ToolkitCli.EXIT_OK;
    }

    /**
     * Scores {@code hypotheses} against the reference files.
     *
     * @throws DatasetException if a file cannot be read, holds a line that is not UTF-8 (named by
     *     file and line), or has a line count other than the hypotheses' (both files and counts named)
     */
    public static Report run(Path hypotheses, List<Path> references, Bleu bleu, Chrf chrf) throws IOException {
        List<String> system = readLines(hypotheses);
        List<List<String>> streams = new ArrayList<>();
        for (Path reference : references) {
            List<String> lines = readLines(reference);
            if (lines.size() != system.size()) {
                throw new DatasetException(reference, "has " + lines.size() + " lines but the hypotheses " + hypotheses
                        + " have " + system.size() + ": each line of one must be a segment of the other");
            }
            streams.add(lines);
        }
        if (system.isEmpty()) {
            throw new DatasetException(hypotheses, "is empty: there is nothing to score");
        }
        return new Report(bleu.corpusScore(system, streams), chrf.corpusScore(system, streams));
    }

    /**
     * The lines of {@code file}, split at \n only, as sacreBLEU reads them. sacreBLEU also strips
     * trailing whitespace (a \r included); neither metric counts whitespace there, so it is kept.
     */
    static List<String> readLines(Path file) throws IOException {
        try {
            return TextFiles.readExactLines(open(file), file);
        } catch (DatasetException e) {
            throw e;
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "does not exist");
        } catch (IOException e) {
            throw new DatasetException(file, "cannot read: " + e.getMessage());
        }
    }

    private static InputStream open(Path file) throws IOException {
        if (file.toString().equals(STDIN)) {
            // Not closed with the file: standard input belongs to the process.
            return new FilterInputStream(System.in) {
                @Override
                public void close() {}
            };
        }
        return Files.newInputStream(file);
    }

    /** Parses {@code --tokenize} by sacreBLEU's names and lists them as completion candidates. */
    static final class TokenizerConverter implements ITypeConverter<BleuTokenizer>, Iterable<String> {

        @Override
        public BleuTokenizer convert(String value) {
            try {
                return BleuTokenizer.fromSignature(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(BleuTokenizer.values()).map(BleuTokenizer::signature).iterator();
        }
    }
}
