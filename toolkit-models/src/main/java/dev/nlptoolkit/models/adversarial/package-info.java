/**
 * Adversarial training on word embeddings (Miyato, Dai and Goodfellow 2017) for any
 * {@link dev.nlptoolkit.models.classifier.TextClassifier}, and the matching test-time attack:
 * {@link dev.nlptoolkit.models.adversarial.AdversarialTraining}.
 */
package dev.nlptoolkit.models.adversarial;
