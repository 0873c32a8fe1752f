package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.tokenize.TextTokenizer;
import dev.nlptoolkit.core.tokenize.TokenBatch;
import dev.nlptoolkit.models.classifier.ClassifierInput;

import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One input's token ids and token type ids, unpadded, so that training encodes its data once and
 * batches are padded only to their own longest row.
 *
 * @param ids token ids
 * @param types token type ids, as long as {@code ids}
 */
record EncodedText(long[] ids, long[] types) {

    /** Texts are encoded this many at a time, so no padded matrix of the whole data set is ever built. */
    private static final int CHUNK = 1024;

    int length() {
        return ids.length;
    }

    /**
     * Encodes {@code texts} with their {@code pairs} (null entries: single texts), in order. A text
     * with no tokens at all (empty, or blank for a word tokenizer) becomes the one token
     * {@code emptyId}, so that every row has a real position for the model to read.
     */
    static List<EncodedText> encode(TextTokenizer tokenizer, List<String> texts, List<String> pairs, long emptyId) {
        List<EncodedText> out = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += CHUNK) {
            int end = Math.min(texts.size(), start + CHUNK);
            TokenBatch batch = tokenizer.encode(texts.subList(start, end), pairs.subList(start, end));
            for (int b = 0; b < batch.lengths().length; b++) {
                int length = batch.lengths()[b];
                out.add(length == 0
                        ? new EncodedText(new long[] {emptyId}, new long[1])
                        : new EncodedText(Arrays.copyOf(batch.inputIds()[b], length),
                                Arrays.copyOf(batch.tokenTypeIds()[b], length)));
            }
        }
        return out;
    }

    /** The rows padded with {@code padId} to the longest, as (B, T) int64 arrays in {@code manager}. */
    static ClassifierInput toInput(List<EncodedText> rows, long padId, NDManager manager) {
        List<long[]> ids = new ArrayList<>(rows.size());
        List<long[]> types = new ArrayList<>(rows.size());
        for (EncodedText row : rows) {
            ids.add(row.ids);
            types.add(row.types);
        }
        TokenBatch batch = TokenBatch.pad(ids, types, padId);
        return new ClassifierInput(
                manager.create(batch.inputIds()), manager.create(batch.attentionMask()),
                manager.create(batch.tokenTypeIds()));
    }
}
