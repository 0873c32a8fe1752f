package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.models.classifier.BiLstmAttentionClassifier;
import dev.nlptoolkit.models.classifier.ClassifierConfig;
import dev.nlptoolkit.models.classifier.CnnClassifier;
import dev.nlptoolkit.models.classifier.RcnnClassifier;
import dev.nlptoolkit.models.classifier.RecurrentClassifier;
import dev.nlptoolkit.models.classifier.TextClassifiers;
import dev.nlptoolkit.models.classifier.TransformerClassifier;

import com.google.gson.JsonObject;

/** The toolkit-models config of each from-scratch {@link ModelKind}, with toolkit-models' default sizes. */
final class ScratchBlocks {

    /** The config keys every from-scratch model has for its embedding table (see JsonRecords' naming). */
    private static final String EMBEDDING_SIZE = "embedding_size";
    private static final String PAD_ID = "pad_id";

    private ScratchBlocks() {}

    /** The Block config of {@code kind} for a vocabulary of {@code vocabularySize} words (pad id 0). */
    static ClassifierConfig defaultConfig(ModelKind kind, int vocabularySize, int numClasses) {
        return switch (kind) {
            case RNN -> RecurrentClassifier.Config.of(RecurrentClassifier.Cell.RNN, vocabularySize, numClasses);
            case LSTM -> RecurrentClassifier.Config.of(RecurrentClassifier.Cell.LSTM, vocabularySize, numClasses);
            case BILSTM_ATTENTION -> BiLstmAttentionClassifier.Config.of(vocabularySize, numClasses);
            case RCNN -> RcnnClassifier.Config.of(vocabularySize, numClasses);
            case CNN -> CnnClassifier.Config.of(vocabularySize, numClasses);
            case TRANSFORMER -> TransformerClassifier.Config.of(vocabularySize, numClasses);
            case BERT -> throw new IllegalArgumentException(
                    "bert is fine-tuned from a checkpoint, not built from scratch");
        };
    }

    /**
     * {@link #defaultConfig} with an embedding table of {@code embeddingSize} columns and padding row
     * {@code padId}, as pretrained embeddings dictate; every other size stays the default.
     */
    static ClassifierConfig defaultConfig(
            ModelKind kind, int vocabularySize, int numClasses, int embeddingSize, int padId) {
        JsonObject json = defaultConfig(kind, vocabularySize, numClasses).toJson();
        json.addProperty(EMBEDDING_SIZE, embeddingSize);
        json.addProperty(PAD_ID, padId);
        return TextClassifiers.readConfig(json);
    }
}
