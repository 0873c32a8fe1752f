/**
 * Text classification: train from scratch or fine-tune, evaluate, predict and explain.
 *
 * <ul>
 *   <li>{@link dev.nlptoolkit.tasks.classify.Dataset}: labelled texts from CSV, TSV, TREC {@code .label}
 *       files ({@link dev.nlptoolkit.tasks.classify.DatasetColumns}) or memory.
 *   <li>{@link dev.nlptoolkit.tasks.classify.TextClassifierTrainer}: a fluent trainer for every
 *       {@link dev.nlptoolkit.tasks.classify.ModelKind}, with per-kind
 *       {@link dev.nlptoolkit.tasks.classify.HyperParameters} defaults; writes a model directory and
 *       returns a {@link dev.nlptoolkit.tasks.classify.TrainedClassifier}.
 *   <li>{@link dev.nlptoolkit.tasks.classify.ClassifierModel}: loads a model directory (ours or any
 *       Hugging Face BERT classifier) to {@code predict} (label, probabilities, logits, most-attended
 *       tokens) and {@code evaluate}; {@link dev.nlptoolkit.tasks.score} scores files with it.
 * </ul>
 *
 * <p>Model directories: {@code config.json} with {@code id2label}/{@code label2id} and
 * {@code model.safetensors}; BERT adds {@code tokenizer.json} and {@code tokenizer_config.json}
 * (its {@code model_max_length} is the length it trained at) and is exactly what transformers'
 * {@code save_pretrained} writes; models trained from scratch add {@code vocab.json} and keep their
 * Block config under {@code "model"} in config.json ({@code "model_type": "nlptoolkit-classifier"}).
 */
package dev.nlptoolkit.tasks.classify;
