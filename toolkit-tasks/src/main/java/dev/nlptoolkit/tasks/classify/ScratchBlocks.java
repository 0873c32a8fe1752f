package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.models.classifier.BiLstmAttentionClassifier;
import dev.nlptoolkit.models.classifier.ClassifierConfig;
import dev.nlptoolkit.models.classifier.RcnnClassifier;
import dev.nlptoolkit.models.classifier.RecurrentClassifier;
import dev.nlptoolkit.models.classifier.TransformerClassifier;

/** The toolkit-models config of each from-scratch {@link ModelKind}, with toolkit-models' default sizes. */
final class ScratchBlocks {

    private ScratchBlocks() {}

    /** The Block config of {@code kind} for a vocabulary of {@code vocabularySize} words (pad id 0). */
    static ClassifierConfig defaultConfig(ModelKind kind, int vocabularySize, int numClasses) {
        return switch (kind) {
            case RNN -> RecurrentClassifier.Config.of(RecurrentClassifier.Cell.RNN, vocabularySize, numClasses);
            case LSTM -> RecurrentClassifier.Config.of(RecurrentClassifier.Cell.LSTM, vocabularySize, numClasses);
            case BILSTM_ATTENTION -> BiLstmAttentionClassifier.Config.of(vocabularySize, numClasses);
            case RCNN -> RcnnClassifier.Config.of(vocabularySize, numClasses);
            case TRANSFORMER -> TransformerClassifier.Config.of(vocabularySize, numClasses);
            case BERT -> throw new IllegalArgumentException(
                    "bert is fine-tuned from a checkpoint, not built from scratch");
        };
    }
}
