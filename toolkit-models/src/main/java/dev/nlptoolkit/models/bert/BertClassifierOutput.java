package dev.nlptoolkit.models.bert;

import ai.djl.ndarray.NDArray;

/**
 * What {@link BertForSequenceClassification} computes.
 *
 * @param logits (B, C) for C labels
 * @param bert the underlying encoder's outputs
 */
public record BertClassifierOutput(NDArray logits, BertModelOutput bert) {}
