/**
 * Token embedding tables shared by the models trained from scratch (classifiers) and the pretrained
 * ones (BERT): {@link dev.nlptoolkit.models.embedding.TokenEmbedding}, named as torch's
 * {@code nn.Embedding} so checkpoints load by name.
 */
package dev.nlptoolkit.models.embedding;
