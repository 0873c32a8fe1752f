package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.metric.BleuScore;
import dev.nlptoolkit.core.train.TrainingResult;
import dev.nlptoolkit.models.seq2seq.Seq2SeqModelType;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link TranslatorTrainer#fit()} produced.
 *
 * @param directory the model directory, loadable with {@link TranslationModel#load}
 * @param modelType the architecture
 * @param training how the training loop ended
 * @param trainPairs the training pairs read, kept and skipped
 * @param devBleu the saved model's sacreBLEU on the whole dev set (greedy), when there is one
 * @param targetTokensPerSecond training throughput of this run: target tokens (with end-of-sentence)
 *     per second of the training loop, evaluations included
 * @param elapsedSeconds the whole run: vocabulary, training, averaging, dev decoding
 */
public record TrainedTranslator(
        Path directory,
        Seq2SeqModelType modelType,
        TrainingResult training,
        PairCounts trainPairs,
        Optional<BleuScore> devBleu,
        double targetTokensPerSecond,
        double elapsedSeconds) {

    private static final double SECONDS_PER_HOUR = 3600;

    /** Passes over the kept training pairs that an hour of training at this run's throughput gives. */
    public double epochsPerHour() {
        return targetTokensPerSecond * SECONDS_PER_HOUR / Math.max(1, trainPairs.targetTokens());
    }

    /**
     * How many sentence pairs a file pair held and what became of them.
     *
     * @param read pairs read
     * @param kept pairs trained on
     * @param skippedEmpty pairs left out because a side is empty
     * @param skippedTooLong pairs left out because a side exceeds the maximum length
     * @param unknownTokens {@code <unk>} subwords in the kept pairs
     * @param targetTokens target subwords of the kept pairs, end-of-sentence tokens included: an epoch
     */
    public record PairCounts(
            int read, int kept, int skippedEmpty, int skippedTooLong, long unknownTokens, long targetTokens) {

        static PairCounts of(EncodedPairs pairs) {
            return new PairCounts(pairs.read(), pairs.pairs().size(), pairs.skippedEmpty(), pairs.skippedTooLong(),
                    pairs.unknownTokens(), pairs.targetTokens());
        }
    }
}
