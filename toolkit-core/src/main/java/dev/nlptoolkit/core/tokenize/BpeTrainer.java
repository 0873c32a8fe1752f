package dev.nlptoolkit.core.tokenize;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * Learns a joint BPE vocabulary (Sennrich, Haddow and Birch, "Neural Machine Translation of Rare
 * Words with Subword Units", ACL 2016) from training texts, giving exactly the vocabulary and merges
 * of Hugging Face {@code tokenizers}' {@code BpeTrainer} with a {@code Metaspace} pre-tokenizer, no
 * normalizer, special tokens {@link BpeVocabulary#SPECIAL_TOKENS} and the same size and minimum
 * frequency.
 *
 * <p>Words are the {@code Metaspace} pieces of the texts (a space becomes U+2581 and starts a
 * word), counted over all texts, source and target together. Ids: the special tokens 0 to 3, then
 * every character seen (a Unicode code point, however rare) in code-point order, then each merged
 * symbol when it is first made. Each step merges the most frequent adjacent pair of symbols, its
 * count summed over word occurrences; learning stops when the vocabulary (special tokens and
 * characters included) reaches the size, or when the best pair occurs fewer than
 * {@code minFrequency} times.
 *
 * <p><b>Tie-break</b> (that of {@code tokenizers}, whose {@code Merge} ordering compares the pairs
 * of ids in reverse): among pairs of equal count the pair whose left symbol has the smaller id wins,
 * then the one whose right symbol has the smaller id. So at equal count characters beat merged
 * symbols, older merged symbols beat newer ones, and characters compare by code point; it is not
 * the alphabetical order of the pairs' strings.
 *
 * <p>Like {@code tokenizers}, pair counts are updated incrementally after each merge, only in the
 * words that held the merged pair, with a priority queue whose stale entries are refreshed when
 * they reach the top; learning 8,000 symbols from Multi30k's 58,000 training sentences takes about
 * a second. Also like it: a merge that makes a symbol already in the vocabulary reuses its id, and
 * a pair merged twice keeps only its later rank.
 */
public final class BpeTrainer {

    public static final int DEFAULT_VOCABULARY_SIZE = 8000;
    /** subword-nmt's default: a pair seen once is as likely noise as a subword. */
    public static final int DEFAULT_MIN_FREQUENCY = 2;

    private static final Comparator<Candidate> BEST_FIRST =
            Comparator.comparingLong(Candidate::count).reversed().thenComparingLong(Candidate::pair);

    private final int vocabularySize;
    private final int minFrequency;

    private BpeTrainer(int vocabularySize, int minFrequency) {
        this.vocabularySize = vocabularySize;
        this.minFrequency = minFrequency;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Learns from every text of every corpus (e.g. the source side and the target side). */
    @SafeVarargs
    public final BpeVocabulary train(Iterable<String>... corpora) {
        Map<String, long[]> wordCounts = new HashMap<>();
        for (Iterable<String> corpus : corpora) {
            for (String text : corpus) {
                for (String word : Metaspace.split(text)) {
                    wordCounts.computeIfAbsent(word, w -> new long[1])[0]++;
                }
            }
        }
        return new Learner(wordCounts).learn();
    }

    /** A pair of symbol ids as one long, left id in the high half, so that longs order as pairs do. */
    private static long pair(int left, int right) {
        return ((long) left << Integer.SIZE) | right;
    }

    private static int left(long pair) {
        return (int) (pair >>> Integer.SIZE);
    }

    private static int right(long pair) {
        return (int) pair;
    }

    /** A queue entry: a pair, its count when queued, and the words to merge it in. */
    private record Candidate(long pair, long count, int[] words) {}

    /** The state of one learning run. */
    private final class Learner {

        private final List<String> idToToken = new ArrayList<>();
        private final Map<String, Integer> tokenToId = new HashMap<>();
        private final int[][] symbols;
        private final int[] lengths;
        private final long[] counts;
        private final PairTable pairs = new PairTable();
        private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);
        private final List<PairStats> gained = new ArrayList<>();

        Learner(Map<String, long[]> wordCounts) {
            BpeVocabulary.SPECIAL_TOKENS.forEach(this::add);
            TreeSet<Integer> alphabet = new TreeSet<>();
            wordCounts.keySet().forEach(word -> word.codePoints().forEach(alphabet::add));
            alphabet.forEach(codePoint -> add(Character.toString(codePoint)));
            symbols = new int[wordCounts.size()][];
            lengths = new int[wordCounts.size()];
            counts = new long[wordCounts.size()];
            int w = 0;
            for (Map.Entry<String, long[]> entry : wordCounts.entrySet()) {
                symbols[w] = entry.getKey().codePoints().map(c -> tokenToId.get(Character.toString(c))).toArray();
                lengths[w] = symbols[w].length;
                counts[w] = entry.getValue()[0];
                for (int i = 0; i + 1 < lengths[w]; i++) {
                    change(w, symbols[w][i], symbols[w][i + 1], 1);
                }
                w++;
            }
            queueGained();
        }

        private int add(String token) {
            idToToken.add(token);
            tokenToId.put(token, idToToken.size() - 1);
            return idToToken.size() - 1;
        }

        BpeVocabulary learn() {
            List<long[]> merges = new ArrayList<>();
            while (tokenToId.size() < vocabularySize && !queue.isEmpty()) {
                Candidate top = queue.poll();
                long current = pairs.get(top.pair()).count;
                if (top.count() != current) {
                    queue.add(new Candidate(top.pair(), current, top.words()));
                    continue;
                }
                if (current < 1 || current < minFrequency) {
                    break;
                }
                int leftId = left(top.pair());
                int rightId = right(top.pair());
                String token = idToToken.get(leftId) + idToToken.get(rightId);
                Integer existing = tokenToId.get(token);
                int merged = existing != null ? existing : add(token);
                merges.add(new long[] {top.pair(), merged});
                for (int w : top.words()) {
                    merge(w, leftId, rightId, merged);
                }
                queueGained();
            }
            return new BpeVocabulary(idToToken, lastRankOfEachPair(merges));
        }

        /** Replaces each {@code left right} in word {@code w} by {@code merged}, left to right. */
        private void merge(int w, int left, int right, int merged) {
            int[] word = symbols[w];
            int length = lengths[w];
            for (int i = 0; i < length; i++) {
                if (word[i] != left || i + 1 >= length || word[i + 1] != right) {
                    continue;
                }
                if (i > 0) {
                    // The left neighbour is the symbol as it stands now, possibly just merged.
                    change(w, word[i - 1], left, -1);
                    change(w, word[i - 1], merged, 1);
                }
                word[i] = merged;
                System.arraycopy(word, i + 2, word, i + 1, length - i - 2);
                length--;
                if (i < length - 1) {
                    change(w, right, word[i + 1], -1);
                    change(w, merged, word[i + 1], 1);
                }
            }
            lengths[w] = length;
        }

        /**
         * Adds {@code delta} occurrences of a pair in word {@code w}. As in {@code tokenizers}, the
         * merged pair itself is never decremented: it is not queued again, so its count is unused.
         */
        private void change(int w, int left, int right, int delta) {
            PairStats stats = pairs.get(pair(left, right));
            stats.count += delta * counts[w];
            if (delta > 0) {
                if (stats.gainedIn.isEmpty()) {
                    gained.add(stats);
                }
                stats.gainedIn.add(w);
            }
        }

        /** Queues every pair that gained occurrences, with the words it gained them in. */
        private void queueGained() {
            for (PairStats stats : gained) {
                if (stats.count > 0) {
                    queue.add(new Candidate(stats.pair, stats.count, stats.gainedIn.toArray()));
                }
                stats.gainedIn.clear();
            }
            gained.clear();
        }

        private List<BpeVocabulary.Merge> lastRankOfEachPair(List<long[]> merges) {
            Map<Long, Integer> lastRank = new HashMap<>();
            for (int rank = 0; rank < merges.size(); rank++) {
                lastRank.put(merges.get(rank)[0], rank);
            }
            List<BpeVocabulary.Merge> kept = new ArrayList<>();
            for (int rank = 0; rank < merges.size(); rank++) {
                long pair = merges.get(rank)[0];
                if (lastRank.get(pair) == rank) {
                    kept.add(new BpeVocabulary.Merge(idToToken.get(left(pair)), idToToken.get(right(pair))));
                }
            }
            return kept;
        }
    }

    /** A pair's count summed over the words, and the words it gained occurrences in since last queued. */
    private static final class PairStats {

        final long pair;
        long count;
        final WordList gainedIn = new WordList();

        PairStats(long pair) {
            this.pair = pair;
        }
    }

    /** Pair to {@link PairStats}, open addressing on the long key: a boxed map costs most of the run. */
    private static final class PairTable {

        private static final double MAX_LOAD = 0.5;

        private long[] keys = new long[1 << 16];
        private PairStats[] values = new PairStats[1 << 16];
        private int size;

        /** The stats of {@code pair}, made with count 0 when absent. */
        PairStats get(long pair) {
            int mask = keys.length - 1;
            int slot = slot(pair, mask);
            while (values[slot] != null) {
                if (keys[slot] == pair) {
                    return values[slot];
                }
                slot = (slot + 1) & mask;
            }
            PairStats stats = new PairStats(pair);
            keys[slot] = pair;
            values[slot] = stats;
            if (++size > keys.length * MAX_LOAD) {
                grow();
            }
            return stats;
        }

        private static int slot(long pair, int mask) {
            long h = pair * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        private void grow() {
            long[] oldKeys = keys;
            PairStats[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new PairStats[oldValues.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldValues[i] != null) {
                    int slot = slot(oldKeys[i], mask);
                    while (values[slot] != null) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }
    }

    /** Word indices without repeats; a word's changes arrive together, so checking the last suffices. */
    private static final class WordList {

        private int[] words = new int[4];
        private int size;

        void add(int w) {
            if (size > 0 && words[size - 1] == w) {
                return;
            }
            if (size == words.length) {
                words = Arrays.copyOf(words, size * 2);
            }
            words[size++] = w;
        }

        int[] toArray() {
            return Arrays.copyOf(words, size);
        }

        boolean isEmpty() {
            return size == 0;
        }

        void clear() {
            size = 0;
        }
    }

    /** Builds a {@link BpeTrainer}; every setting has a default. */
    public static final class Builder {

        private int vocabularySize = DEFAULT_VOCABULARY_SIZE;
        private int minFrequency = DEFAULT_MIN_FREQUENCY;

        private Builder() {}

        /**
         * The vocabulary size to reach, special tokens and characters included. Default
         * {@value BpeTrainer#DEFAULT_VOCABULARY_SIZE}. When the training texts hold more distinct
         * characters than this leaves room for, all are kept and nothing is merged.
         */
        public Builder optVocabularySize(int vocabularySize) {
            this.vocabularySize = vocabularySize;
            return this;
        }

        /**
         * The fewest occurrences a pair needs to be merged; learning stops at the first pair below.
         * Default {@value BpeTrainer#DEFAULT_MIN_FREQUENCY} ({@code tokenizers}' default 0 merges
         * pairs seen once).
         */
        public Builder optMinFrequency(int minFrequency) {
            this.minFrequency = minFrequency;
            return this;
        }

        public BpeTrainer build() {
            if (vocabularySize <= BpeVocabulary.SPECIAL_TOKENS.size()) {
                throw new IllegalArgumentException("vocabulary size must exceed the "
                        + BpeVocabulary.SPECIAL_TOKENS.size() + " special tokens, got " + vocabularySize
                        + "; 8000 is usual for a small translation task");
            }
            if (minFrequency < 0) {
                throw new IllegalArgumentException("min frequency must be 0 or more, got " + minFrequency);
            }
            return new BpeTrainer(vocabularySize, minFrequency);
        }
    }
}
