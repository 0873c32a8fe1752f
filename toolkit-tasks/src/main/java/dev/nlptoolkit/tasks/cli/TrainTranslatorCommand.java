package dev.nlptoolkit.tasks.cli;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.tokenize.BpeTrainer;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;
import dev.nlptoolkit.plot.Plots;
import dev.nlptoolkit.tasks.cli.options.RuntimeOptions;
import dev.nlptoolkit.tasks.cli.options.SeedOption;
import dev.nlptoolkit.tasks.translate.ParallelCorpus;
import dev.nlptoolkit.tasks.translate.TrainedTranslator;
import dev.nlptoolkit.tasks.translate.TranslatorTrainer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code toolkit train-translator}: trains a translation model on parallel text and saves a model directory. */
@Command(
        name = "train-translator",
        description = {
            "Train a translation model on line-aligned source and target files (UTF-8, gzip or not) and save it"
                    + " as a model directory; print one JSON object with the training summary and dev BLEU.",
            "Learns a joint BPE vocabulary from both training files, skips (and counts) pairs with an empty side"
                    + " or a side over --max-length subwords, trains with label smoothing, token-budget batches,"
                    + " clipping and (transformer) inverse-square-root warm-up, evaluates dev loss and greedy BLEU"
                    + " on a dev sample every --evaluate-every steps, keeps the best checkpoint by BLEU and stops"
                    + " early; --average-last K saves the mean of the last K evaluation checkpoints instead.",
            "Writes config.json, model.safetensors, tokenizer.json, training.json, train_log.jsonl and"
                    + " checkpoints/ into --out; progress goes to stderr."
        })
public final class TrainTranslatorCommand implements Callable<Integer> {

    @Option(names = "--train-src", required = true, paramLabel = "FILE", description = "Training source sentences.")
    Path trainSource;

    @Option(names = "--train-tgt", required = true, paramLabel = "FILE",
            description = "Training target sentences, line i translating line i of --train-src.")
    Path trainTarget;

    @Option(names = "--dev-src", paramLabel = "FILE", description = "Dev source sentences. Default: none.")
    Path devSource;

    @Option(names = "--dev-tgt", paramLabel = "FILE", description = "Dev target sentences. Default: none.")
    Path devTarget;

    @Option(names = "--model", required = true, paramLabel = "NAME", converter = Seq2SeqModelTypeConverter.class,
            completionCandidates = Seq2SeqModelTypeConverter.class, description = "One of: ${COMPLETION-CANDIDATES}.")
    Seq2SeqModelType model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The model directory to write.")
    Path out;

    @Option(names = "--model-config", paramLabel = "JSON",
            description = "Changes to the architecture's default config, a JSON object or a file holding one, e.g."
                    + " '{\"encoder_layers\": 2}'. Default: none.")
    String modelConfig;

    @Option(names = "--max-minutes", paramLabel = "M",
            description = "Wall-clock budget of the whole command, keeping the best checkpoint. Default: no limit.")
    Double maxMinutes;

    @Option(names = "--vocab-size", paramLabel = "V", defaultValue = "" + BpeTrainer.DEFAULT_VOCABULARY_SIZE,
            description = "Joint BPE vocabulary size, special tokens included. Default: ${DEFAULT-VALUE}.")
    int vocabSize;

    @Option(names = "--min-frequency", paramLabel = "N", defaultValue = "" + BpeTrainer.DEFAULT_MIN_FREQUENCY,
            description = "Pairs of symbols seen fewer times are not merged. Default: ${DEFAULT-VALUE}.")
    int minFrequency;

    @Option(names = "--max-length", paramLabel = "T", defaultValue = "" + TranslatorTrainer.DEFAULT_MAX_LENGTH,
            description = "Training pairs with a side over T subwords are skipped. Default: ${DEFAULT-VALUE}.")
    int maxLength;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + TranslatorTrainer.DEFAULT_MAX_TOKENS,
            description = "Padded tokens per batch (sentences x longest side). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--lr", paramLabel = "X",
            description = "Peak learning rate. Default: " + TranslatorTrainer.DEFAULT_TRANSFORMER_LR + ".")
    Double learningRate;

    @Option(names = "--warmup-steps", paramLabel = "N",
            description = "Linear warm-up steps before the inverse-square-root decay. Default: "
                    + TranslatorTrainer.DEFAULT_TRANSFORMER_WARMUP + " for transformer, 0 (constant rate) for"
                    + " lstm-attention.")
    Integer warmupSteps;

    @Option(names = "--label-smoothing", paramLabel = "EPS", defaultValue = "" + TranslatorTrainer.DEFAULT_LABEL_SMOOTHING,
            description = "Default: ${DEFAULT-VALUE}.")
    float labelSmoothing;

    @Option(names = "--clip-norm", paramLabel = "X", defaultValue = "" + TranslatorTrainer.DEFAULT_CLIP_NORM,
            description = "Global gradient norm limit. Default: ${DEFAULT-VALUE}.")
    double clipNorm;

    @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "" + TranslatorTrainer.DEFAULT_WEIGHT_DECAY,
            description = "Decoupled weight decay. Default: ${DEFAULT-VALUE}.")
    double weightDecay;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "" + TranslatorTrainer.DEFAULT_EPOCHS,
            description = "Most passes over the training data. Default: ${DEFAULT-VALUE}.")
    int epochs;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N optimizer steps. Default: no limit.")
    Long maxSteps;

    @Option(names = "--evaluate-every", paramLabel = "STEPS", defaultValue = "" + TranslatorTrainer.DEFAULT_EVALUATE_EVERY,
            description = "Dev loss and sample BLEU every STEPS steps. Default: ${DEFAULT-VALUE}.")
    long evaluateEvery;

    @Option(names = "--bleu-sample", paramLabel = "N", defaultValue = "" + TranslatorTrainer.DEFAULT_BLEU_SAMPLE,
            description = "Dev sentences decoded greedily for BLEU at each evaluation. Default: ${DEFAULT-VALUE}.")
    int bleuSample;

    @Option(names = "--patience-steps", paramLabel = "N", defaultValue = "" + TranslatorTrainer.DEFAULT_PATIENCE_STEPS,
            description = "Stop when N optimizer updates brought no better dev BLEU (so never before update N)."
                    + " Default: ${DEFAULT-VALUE}.")
    long patienceSteps;

    @Option(names = "--average-last", paramLabel = "K", defaultValue = "0",
            description = "Save the average of the last K evaluation checkpoints (0: the best one)."
                    + " Default: ${DEFAULT-VALUE}.")
    int averageLast;

    @Option(names = "--resume",
            description = "Continue the run in --out from checkpoints/last. Default: ${DEFAULT-VALUE}.")
    boolean resume;

    @Option(names = "--plot",
            description = "Also write " + RunFiles.TRAINING_CURVES_FILE + " (training loss and dev BLEU over steps)"
                    + " into --out. Default: ${DEFAULT-VALUE}.")
    boolean plot;

    @Mixin SeedOption seed;

    @Mixin RuntimeOptions runtime;

    @Spec private CommandSpec spec;

    @Override
    public Integer call() throws IOException, CheckpointException {
        TrainedTranslator result = run();
        JsonObject json = toJson(result);
        if (plot) {
            JsonArray plots = new JsonArray();
            Plots.writeTrainingCurves(result.directory(), TranslatorTrainer.BLEU_METRIC)
                    .ifPresent(file -> plots.add(file.toString()));
            json.add("plots", plots);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json));
        stdout.flush();
        return ToolkitCli.EXIT_OK;
    }

    /** Reads the data, trains and saves, as the parsed options say. */
    public TrainedTranslator run() throws IOException, CheckpointException {
        runtime.applyThreads();
        if ((devSource == null) != (devTarget == null)) {
            throw new UserInputException("give both --dev-src and --dev-tgt, or neither");
        }
        TranslatorTrainer.Builder trainer = TranslatorTrainer.builder()
                .model(model)
                .train(ParallelCorpus.read(trainSource, trainTarget))
                .outputDir(out)
                .vocabSize(vocabSize)
                .minFrequency(minFrequency)
                .maxLength(maxLength)
                .maxTokens(maxTokens)
                .labelSmoothing(labelSmoothing)
                .clipNorm(clipNorm)
                .weightDecay(weightDecay)
                .epochs(epochs)
                .evaluateEvery(evaluateEvery)
                .bleuSample(bleuSample)
                .patienceSteps(patienceSteps)
                .averageLast(averageLast)
                .seed(seed.seed())
                .resume(resume)
                .device(runtime.device());
        if (devSource != null) {
            trainer.dev(ParallelCorpus.read(devSource, devTarget));
        }
        if (modelConfig != null) {
            trainer.modelConfig(parseObject(modelConfig));
        }
        if (maxMinutes != null) {
            trainer.maxMinutes(maxMinutes);
        }
        if (maxSteps != null) {
            trainer.maxSteps(maxSteps);
        }
        if (learningRate != null) {
            trainer.learningRate(learningRate);
        }
        if (warmupSteps != null) {
            trainer.warmupSteps(warmupSteps);
        }
        return trainer.build().fit();
    }

    /** {@code --model-config}: inline JSON, or the path of a file holding it. */
    private static JsonObject parseObject(String value) throws IOException {
        String text = value.strip().startsWith("{") ? value : Files.readString(Path.of(value));
        try {
            JsonElement json = JsonParser.parseString(text);
            if (json.isJsonObject()) {
                return json.getAsJsonObject();
            }
        } catch (JsonParseException e) {
            throw new UserInputException("--model-config is not valid JSON: " + e.getMessage(), e);
        }
        throw new UserInputException("--model-config must be a JSON object, e.g. '{\"encoder_layers\": 2}'");
    }

    /**
     * {@code {"model_dir", "model", "steps", "stop_reason", "best_step", "train_pairs", "skipped_empty",
     * "skipped_too_long", "train_target_tokens", "train_target_tokens_per_s", "epochs_per_hour", "elapsed_s",
     * "dev_bleu"}}.
     */
    static JsonObject toJson(TrainedTranslator result) {
        JsonObject json = new JsonObject();
        json.addProperty("model_dir", result.directory().toString());
        json.addProperty("model", result.modelType().configName());
        json.addProperty("steps", result.training().steps());
        json.addProperty("stop_reason", result.training().reason().name().toLowerCase(Locale.ROOT));
        json.addProperty("best_step", result.training().bestStep());
        json.addProperty("train_pairs", result.trainPairs().read());
        json.addProperty("train_pairs_kept", result.trainPairs().kept());
        json.addProperty("skipped_empty", result.trainPairs().skippedEmpty());
        json.addProperty("skipped_too_long", result.trainPairs().skippedTooLong());
        json.addProperty("train_target_tokens", result.trainPairs().targetTokens());
        json.addProperty("train_target_tokens_per_s", result.targetTokensPerSecond());
        json.addProperty("epochs_per_hour", result.epochsPerHour());
        json.addProperty("elapsed_s", result.elapsedSeconds());
        result.devBleu().ifPresent(score -> {
            json.addProperty("dev_bleu", score.score());
            json.addProperty("dev_bleu_signature", score.signature());
        });
        return json;
    }
}
