package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.UserInputException;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.TrainingHistory;
import dev.nlptoolkit.plot.Plots;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The charts of a classifier, from its own types: training curves and the dev confusion matrix of a
 * trained model, the attention behind a prediction. What {@code train-classifier --plot},
 * {@code predict --explain --plot} and {@code evaluate --plot} write, and what notebooks display.
 */
public final class ClassifierPlots {

    /** The dev confusion matrix in a model directory. */
    public static final String CONFUSION_MATRIX_FILE = "confusion_matrix.png";
    /** The dev metric the curves show. */
    public static final String CURVE_METRIC = "accuracy";
    private static final String NO_ATTENTION =
            "this model has no attention to plot; bilstm-attention, transformer and bert have";
    /** Longest text shown in a chart's title. */
    static final int MAX_TITLE_CHARS = 90;

    private ClassifierPlots() {}

    /** Training loss and dev accuracy over steps, from the model directory's {@code train_log.jsonl}. */
    public static BufferedImage trainingCurves(Path modelDir) throws IOException {
        return Plots.trainingCurves(TrainingHistory.ofRun(modelDir), CURVE_METRIC);
    }

    /**
     * Writes {@value RunFiles#TRAINING_CURVES_FILE} and, when there was a dev set, {@value #CONFUSION_MATRIX_FILE}
     * into the trained model's directory.
     *
     * @return the files written
     */
    public static List<Path> writeTrainingPlots(TrainedClassifier trained) throws IOException {
        List<Path> written = new ArrayList<>();
        Plots.writeTrainingCurves(trained.directory(), CURVE_METRIC).ifPresent(written::add);
        Optional<ClassificationMetrics> dev = trained.devMetrics();
        if (dev.isPresent()) {
            Path confusion = trained.directory().resolve(CONFUSION_MATRIX_FILE);
            Plots.writePng(Plots.confusionMatrix(dev.get()), confusion);
            written.add(confusion);
        }
        return written;
    }

    /**
     * What the model attended to for one input: the last layer's self-attention, heads side by side
     * (transformer, bert), or the attention pooling's token weights (bilstm-attention); titled with the
     * text and the prediction.
     *
     * @throws IllegalArgumentException for models without attention (rnn, lstm, rcnn)
     */
    public static BufferedImage attention(AttentionMap map, TextInput input) {
        Prediction p = map.prediction();
        String text = input.text().length() <= MAX_TITLE_CHARS ? input.text()
                : input.text().substring(0, MAX_TITLE_CHARS - 1) + "\u2026";
        String title = String.format(Locale.ROOT, "\"%s\": %s (%.3f)", text, p.label(), p.probability());
        if (map.selfAttention() != null) {
            return Plots.attention(map.tokens(), map.selfAttention(), title);
        }
        if (map.tokenWeights() != null) {
            return Plots.tokenWeights(map.tokens(), map.tokenWeights(), title);
        }
        throw new IllegalArgumentException(NO_ATTENTION);
    }

    /** Fails for the kinds of model that have no attention to plot (rnn, lstm, rcnn). */
    public static void checkHasAttention(ModelKind kind) {
        if (kind != ModelKind.BILSTM_ATTENTION && kind != ModelKind.TRANSFORMER && kind != ModelKind.BERT) {
            throw new UserInputException(kind.cliName() + ": " + NO_ATTENTION);
        }
    }
}
