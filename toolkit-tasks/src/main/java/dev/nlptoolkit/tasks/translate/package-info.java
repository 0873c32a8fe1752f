/**
 * Machine translation: train a translator on parallel text, translate sentences.
 *
 * <ul>
 *   <li>{@link dev.nlptoolkit.tasks.translate.ParallelCorpus}: line-aligned source and target files
 *       (UTF-8, gzip or not); unequal lengths and bad bytes are errors naming file, line and counts.
 *   <li>{@link dev.nlptoolkit.tasks.translate.TranslatorTrainer}: a fluent trainer for both
 *       {@link dev.nlptoolkit.models.seq2seq.Seq2SeqModelType}s on {@link dev.nlptoolkit.core.train.TrainingLoop}:
 *       joint BPE, token-budget batches, label smoothing, dev loss and BLEU, early stopping,
 *       checkpoint averaging; returns a {@link dev.nlptoolkit.tasks.translate.TrainedTranslator}.
 *   <li>{@link dev.nlptoolkit.tasks.translate.TranslationModel}: loads a model directory to translate
 *       in length-sorted batches (greedy or beam, n-best, alignments), one output per input.
 * </ul>
 *
 * <p>Model directories: {@code config.json} ({@code "model_type": "nlptoolkit-translator"}, the
 * architecture's config under {@code "model"}, {@code max_length}), {@code model.safetensors} and
 * {@code tokenizer.json}.
 */
package dev.nlptoolkit.tasks.translate;
