package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.TrainingResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@link TextClassifierTrainer#fit()} produced.
 *
 * @param directory the saved model directory; {@link ClassifierModel#load(Path)} opens it
 * @param kind the model kind
 * @param labels the labels in id order
 * @param devMetrics the saved model's scores on the dev set, when there was one
 * @param training how the training loop ended (steps, reason, best step)
 * @param elapsedSeconds wall time of {@code fit}
 */
public record TrainedClassifier(
        Path directory,
        ModelKind kind,
        List<String> labels,
        Optional<ClassificationMetrics> devMetrics,
        TrainingResult training,
        double elapsedSeconds) {}
