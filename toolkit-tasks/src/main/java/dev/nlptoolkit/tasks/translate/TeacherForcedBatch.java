package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.tokenize.BpeVocabulary;
import dev.nlptoolkit.models.seq2seq.Seq2SeqInput;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * A padded batch of pairs for teacher forcing: the model input (source + {@code </s>}; {@code <s>} +
 * target) and the gold next tokens (target + {@code </s>}), padded with {@code <pad>}.
 *
 * @param input source ids and mask (B, S), target input ids and mask (B, T)
 * @param targetOutput (B, T) int64, the token each target position must predict; {@code <pad>} past the end
 */
record TeacherForcedBatch(Seq2SeqInput input, NDArray targetOutput) {

    static TeacherForcedBatch of(List<EncodedPairs.Pair> pairs, NDManager manager) {
        int rows = pairs.size();
        int sourceLength = pairs.stream().mapToInt(p -> p.source().length + 1).max().orElse(1);
        int targetLength = pairs.stream().mapToInt(p -> p.target().length + 1).max().orElse(1);
        long[] source = new long[rows * sourceLength];
        long[] targetIn = new long[rows * targetLength];
        long[] targetOut = new long[rows * targetLength];
        for (int b = 0; b < rows; b++) {
            EncodedPairs.Pair pair = pairs.get(b);
            int s = b * sourceLength;
            System.arraycopy(pair.source(), 0, source, s, pair.source().length);
            source[s + pair.source().length] = BpeVocabulary.EOS_ID;
            int t = b * targetLength;
            targetIn[t] = BpeVocabulary.BOS_ID;
            System.arraycopy(pair.target(), 0, targetIn, t + 1, pair.target().length);
            System.arraycopy(pair.target(), 0, targetOut, t, pair.target().length);
            targetOut[t + pair.target().length] = BpeVocabulary.EOS_ID;
        }
        // PAD_ID is 0, so the unset tail of every row is padding already.
        NDArray sourceIds = manager.create(source, new Shape(rows, sourceLength));
        NDArray targetInputIds = manager.create(targetIn, new Shape(rows, targetLength));
        NDArray targetOutput = manager.create(targetOut, new Shape(rows, targetLength));
        return new TeacherForcedBatch(new Seq2SeqInput(sourceIds, sourceIds.neq(BpeVocabulary.PAD_ID),
                targetInputIds, targetOutput.neq(BpeVocabulary.PAD_ID)), targetOutput);
    }
}
