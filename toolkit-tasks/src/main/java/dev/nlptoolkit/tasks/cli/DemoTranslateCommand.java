package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.metric.BleuScore;
import dev.nlptoolkit.models.decode.DecodeOptions;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;
import dev.nlptoolkit.tasks.cli.options.DemoOptions;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.translate.ParallelCorpus;
import dev.nlptoolkit.tasks.translate.TrainedTranslator;
import dev.nlptoolkit.tasks.translate.TranslationModel;
import dev.nlptoolkit.tasks.translate.TranslatorTrainer;

import com.google.gson.JsonObject;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit demo translate}: the translation workflow on the bundled Multi30k, in about five minutes. */
@Command(
        name = "translate",
        description = {
            "Train a small Transformer English to German on the bundled Multi30k (datasets/multi30k) for a few"
                    + " minutes, translate five validation sentences and print the validation BLEU (sacreBLEU,"
                    + " greedy, detokenised and cased). No network needed.",
            "Run it from the repository root, or point --datasets at the datasets folder."
        })
public final class DemoTranslateCommand implements Callable<Integer> {

    static final String MODEL_DIR = "model";
    /** Validation sentences shown with their translations. */
    static final int SHOWN = 5;
    /** Small enough for a 2-core CPU to see the training set more than once in five minutes. */
    static final int VOCAB_SIZE = 6000;
    static final int MAX_TOKENS = 1024;
    static final int WARMUP_STEPS = 100;
    static final double LEARNING_RATE = 2e-3;
    static final int EVALUATE_EVERY = 200;
    static final int BLEU_SAMPLE = 100;
    private static final int EMBEDDING = 128;
    private static final int HEADS = 4;
    private static final int FEED_FORWARD = 512;
    private static final int LAYERS = 2;
    /**
     * Five minutes are two or three epochs, too few to overfit: dropout would only slow learning, and
     * its random masks cost a quarter of a step here (BLEU 18.4 without it, 8.8 with 0.1, one core).
     */
    private static final float DROPOUT = 0f;

    @Mixin DemoOptions demo = new DemoOptions("runs/demo-translate", 5);

    @Option(names = "--max-train-pairs", paramLabel = "N",
            description = "Train on the first N Multi30k pairs only, for a quicker look. Default: all 29,000.")
    Integer maxTrainPairs;

    @Mixin RuntimeOptions runtime;

    @Spec private CommandSpec spec;

    /**
     * What the demo did.
     *
     * @param trained the training run, with the validation BLEU
     * @param sources the validation sentences shown
     * @param translations their translations
     */
    public record Result(TrainedTranslator trained, List<String> sources, List<String> translations) {}

    @Override
    public Integer call() throws IOException, CheckpointException {
        runtime.applyThreads();
        run(spec.commandLine().getOut());
        return ToolkitCli.EXIT_OK;
    }

    /** Runs the demo, reporting to {@code report} as it goes. */
    public Result run(PrintWriter report) throws IOException, CheckpointException {
        Path datasets = demo.datasets();
        Path multi30k = datasets.resolve("multi30k");
        if (!Files.isRegularFile(multi30k.resolve("train.en.gz"))) {
            throw new UserInputException(datasets + ": no multi30k/train.en.gz here; run from the repository root or"
                    + " pass --datasets");
        }
        ParallelCorpus train = ParallelCorpus.read(multi30k.resolve("train.en.gz"), multi30k.resolve("train.de.gz"));
        if (maxTrainPairs != null) {
            train = train.head(maxTrainPairs);
        }
        ParallelCorpus validation = ParallelCorpus.read(multi30k.resolve("val.en.gz"), multi30k.resolve("val.de.gz"));
        report.printf(Locale.ROOT, "Training a small Transformer on Multi30k English to German (%,d train, %,d"
                + " validation pairs) for about %s minutes; progress on stderr.%n", train.size(), validation.size(),
                demo.minutes());
        report.flush();
        TrainedTranslator trained = TranslatorTrainer.builder()
                .model(Seq2SeqModelType.TRANSFORMER)
                .modelConfig(demoModel())
                .train(train)
                .dev(validation)
                .vocabSize(VOCAB_SIZE)
                .maxTokens(MAX_TOKENS)
                .learningRate(LEARNING_RATE)
                .warmupSteps(WARMUP_STEPS)
                .evaluateEvery(EVALUATE_EVERY)
                .bleuSample(BLEU_SAMPLE)
                .maxMinutes(demo.minutes())
                .device(runtime.device())
                .outputDir(demo.out().resolve(MODEL_DIR))
                .build()
                .fit();
        report.printf(Locale.ROOT, "%nModel saved in %s after %d steps (%s, %.0f s, %.0f target tokens/s).%n%n",
                trained.directory(), trained.training().steps(),
                trained.training().reason().name().toLowerCase(Locale.ROOT), trained.elapsedSeconds(),
                trained.targetTokensPerSecond());
        List<String> sources = validation.sources().subList(0, SHOWN);
        List<String> translations;
        try (TranslationModel model = TranslationModel.load(trained.directory(), runtime.device())) {
            translations = model.translate(sources, DecodeOptions.defaults());
        }
        for (int i = 0; i < SHOWN; i++) {
            report.printf("EN   %s%nDE   %s%nREF  %s%n%n", sources.get(i), translations.get(i),
                    validation.targets().get(i));
        }
        BleuScore bleu = trained.devBleu().orElseThrow();
        report.printf(Locale.ROOT, "Validation BLEU %.2f (greedy, %d sentences): %s%n", bleu.score(),
                validation.size(), bleu);
        report.printf("Translate more: ./toolkit translate --model %s --input FILE.en%n", trained.directory());
        report.flush();
        return new Result(trained, sources, translations);
    }

    /** 2 + 2 layers, 128 wide, embeddings shared and tied, no dropout: the tiny Transformer of the demo. */
    private static JsonObject demoModel() {
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", EMBEDDING);
        config.addProperty("num_heads", HEADS);
        config.addProperty("feed_forward_size", FEED_FORWARD);
        config.addProperty("encoder_layers", LAYERS);
        config.addProperty("decoder_layers", LAYERS);
        config.addProperty("dropout", DROPOUT);
        config.addProperty("share_embeddings", true);
        config.addProperty("tie_output_embedding", true);
        return config;
    }
}
