package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.data.SentencePair;
import dev.nlptoolkit.core.tokenize.SubwordEncoding;
import dev.nlptoolkit.core.tokenize.SubwordTokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Sentence pairs as subword ids, ready for batching, with the pairs that were left out counted.
 *
 * <p>A pair is skipped, never fatal, when either side is empty (or only spaces) or when either side
 * needs more than {@code maxLength} positions: the source with its end-of-sentence token, the
 * target with its begin- (input) or end-of-sentence (output) token.
 *
 * @param pairs the kept pairs
 * @param read pairs read
 * @param skippedEmpty pairs with an empty side
 * @param skippedTooLong pairs with a side longer than the maximum length
 * @param unknownTokens subwords of the kept pairs that are {@code <unk>} (characters never seen in training)
 */
record EncodedPairs(List<Pair> pairs, int read, int skippedEmpty, int skippedTooLong, long unknownTokens) {

    /**
     * One pair's subword ids, without special tokens.
     *
     * @param line the 1-based line of the pair in its files
     */
    record Pair(long line, long[] source, long[] target) {

        /** Positions the longer side needs with its special token: the length to batch by. */
        int length() {
            return Math.max(source.length, target.length) + 1;
        }

        /** Target tokens the loss counts: the target and its end-of-sentence token. */
        int targetTokens() {
            return target.length + 1;
        }
    }

    EncodedPairs {
        pairs = List.copyOf(pairs);
    }

    /** Encodes {@code corpus} with {@code tokenizer}, keeping pairs of at most {@code maxLength} positions a side. */
    static EncodedPairs encode(ParallelCorpus corpus, SubwordTokenizer tokenizer, int maxLength) {
        List<SentencePair> nonEmpty = new ArrayList<>(corpus.size());
        int empty = 0;
        for (SentencePair pair : corpus.pairs()) {
            if (pair.source().isBlank() || pair.target().isBlank()) {
                empty++;
            } else {
                nonEmpty.add(pair);
            }
        }
        List<SubwordEncoding> sources = tokenizer.encode(nonEmpty.stream().map(SentencePair::source).toList());
        List<SubwordEncoding> targets = tokenizer.encode(nonEmpty.stream().map(SentencePair::target).toList());
        List<Pair> kept = new ArrayList<>(nonEmpty.size());
        int tooLong = 0;
        long unknown = 0;
        for (int i = 0; i < nonEmpty.size(); i++) {
            SubwordEncoding source = sources.get(i);
            SubwordEncoding target = targets.get(i);
            if (source.ids().length + 1 > maxLength || target.ids().length + 1 > maxLength) {
                tooLong++;
                continue;
            }
            unknown += source.unknownCount() + target.unknownCount();
            kept.add(new Pair(nonEmpty.get(i).line(), source.ids(), target.ids()));
        }
        return new EncodedPairs(kept, corpus.size(), empty, tooLong, unknown);
    }

    /** Target tokens over all kept pairs (end-of-sentence tokens included): an epoch's worth. */
    long targetTokens() {
        return pairs.stream().mapToLong(Pair::targetTokens).sum();
    }
}
