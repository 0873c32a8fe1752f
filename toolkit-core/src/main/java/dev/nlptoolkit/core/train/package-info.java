/**
 * Model-agnostic training: {@link dev.nlptoolkit.core.train.TrainingLoop} assembled from a task's
 * {@link dev.nlptoolkit.core.train.EpochBatches}, {@link dev.nlptoolkit.core.train.TrainStep} and
 * {@link dev.nlptoolkit.core.train.Evaluator}; optimizers with torch's arithmetic and named, saved state
 * ({@link dev.nlptoolkit.core.train.AdamW}, {@link dev.nlptoolkit.core.train.Sgd});
 * {@link dev.nlptoolkit.core.train.LearningRateSchedule}s; global-norm
 * {@link dev.nlptoolkit.core.train.GradientClipping}; atomic, resumable
 * {@link dev.nlptoolkit.core.train.TrainingCheckpoint}s.
 */
package dev.nlptoolkit.core.train;
