package dev.nlptoolkit.models.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * A Block that maps a batch of token ids to class logits, split at the word embeddings so that
 * adversarial training (Miyato et al. 2017) can perturb the embeddings between the two halves.
 */
public interface TextClassifier extends Block {

    /** Word embeddings (B, T, E) of {@code input.tokenIds()}: the point where perturbations are added. */
    NDArray embed(ParameterStore parameterStore, ClassifierInput input, boolean training);

    /** Classifies from word embeddings (B, T, E), clean or perturbed. */
    ClassifierOutput classifyEmbedded(
            ParameterStore parameterStore, NDArray embeddings, ClassifierInput input, boolean training);

    /** Classifies token ids: {@link #embed} then {@link #classifyEmbedded}. */
    default ClassifierOutput classify(ParameterStore parameterStore, ClassifierInput input, boolean training) {
        return classifyEmbedded(parameterStore, embed(parameterStore, input, training), input, training);
    }

    /** Number of classes C. */
    int numClasses();
}
