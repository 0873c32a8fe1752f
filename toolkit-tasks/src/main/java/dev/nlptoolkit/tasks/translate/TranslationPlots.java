package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.tokenize.BpeVocabulary;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.TrainingHistory;
import dev.nlptoolkit.plot.Plots;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The charts of a translator, from its own types: the training curves of a model directory and the
 * source-target alignment of a translation.
 */
public final class TranslationPlots {

    /** The dev metric the curves show: BLEU of the greedy translations of the dev sample. */
    public static final String CURVE_METRIC = "bleu";

    private TranslationPlots() {}

    /** Training loss and dev BLEU over steps, from the model directory's {@code train_log.jsonl}. */
    public static BufferedImage trainingCurves(Path modelDir) throws IOException {
        Path log = modelDir.resolve(RunFiles.LOG_FILE);
        if (!Files.isRegularFile(log)) {
            throw new IOException(log + ": no training log; it is written by training with a dev set");
        }
        return Plots.trainingCurves(TrainingHistory.read(log), CURVE_METRIC);
    }

    /**
     * The attention of each output subword over the source subwords (Bahdanau et al. 2015, figure 3),
     * both sides with their end-of-sentence token: target subwords as rows, source subwords as columns.
     *
     * @param translation a hypothesis decoded with alignments ({@link TranslationModel#translateNbest} with
     *     {@code alignments} true)
     * @param title the chart's title; null for none
     * @throws IllegalArgumentException when the translation has no alignment
     */
    public static BufferedImage alignment(Translation translation, String title) {
        if (translation.alignment() == null) {
            throw new IllegalArgumentException(translation.text().isEmpty()
                    ? "an empty source has no alignment to plot"
                    : "this translation has no alignment: decode with alignments = true");
        }
        return Plots.alignment(withEos(translation.sourceTokens()), withEos(translation.targetTokens()),
                translation.alignment(), title);
    }

    private static List<String> withEos(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens);
        out.add(BpeVocabulary.EOS);
        return out;
    }
}
