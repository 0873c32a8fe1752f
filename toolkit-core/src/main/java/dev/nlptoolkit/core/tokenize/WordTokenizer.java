package dev.nlptoolkit.core.tokenize;

import dev.nlptoolkit.core.UserInputException;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes text word by word with a {@link WordVocabulary}; unknown words get the unknown-word id.
 *
 * <p>A row is {@code [start] A [end]} for a single text and {@code [start] A separator B [end]} for
 * a pair, the optional start/end tokens being e.g. {@code [CLS]} for a classifier or {@code <s>},
 * {@code </s>} for a translation target. Token type ids are 0 up to and including the separator, 1
 * after it. With a maximum length, words are removed from the end of the longer text first until
 * the row fits, as Hugging Face's longest-first truncation does.
 */
public final class WordTokenizer implements TextTokenizer {

    private final WordVocabulary vocabulary;
    private final String start;
    private final String end;
    private final String separator;
    private final int maxLength;

    private WordTokenizer(Builder builder) {
        this.vocabulary = builder.vocabulary;
        this.start = builder.start;
        this.end = builder.end;
        this.separator = builder.separator;
        this.maxLength = builder.maxLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    public WordVocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public TokenBatch encode(List<String> texts) {
        List<String> noPairs = new ArrayList<>(texts.size());
        texts.forEach(text -> noPairs.add(null));
        return encode(texts, noPairs);
    }

    @Override
    public TokenBatch encode(List<String> texts, List<String> pairs) {
        if (texts.size() != pairs.size()) {
            throw new IllegalArgumentException("got " + texts.size() + " texts but " + pairs.size() + " pairs");
        }
        List<long[]> ids = new ArrayList<>(texts.size());
        List<long[]> types = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            Row row = row(texts.get(i), pairs.get(i));
            long[] rowIds = new long[row.tokens.size()];
            long[] rowTypes = new long[row.tokens.size()];
            for (int t = 0; t < rowIds.length; t++) {
                rowIds[t] = vocabulary.id(row.tokens.get(t));
                rowTypes[t] = t < row.secondSegmentStart ? 0 : 1;
            }
            ids.add(rowIds);
            types.add(rowTypes);
        }
        return TokenBatch.pad(ids, types, vocabulary.padId());
    }

    /** Unknown words keep their surface form here, though they are encoded as the unknown-word id. */
    @Override
    public TextTokens tokenize(String text) {
        List<String> tokens = row(text, null).tokens;
        boolean[] special = new boolean[tokens.size()];
        if (start != null) {
            special[0] = true;
        }
        if (end != null) {
            special[special.length - 1] = true;
        }
        return new TextTokens(tokens, special);
    }

    /** A row's tokens and the index where token type 1 starts ({@code Integer.MAX_VALUE} for a single text). */
    private record Row(List<String> tokens, int secondSegmentStart) {}

    private Row row(String text, String pair) {
        if (pair != null && separator == null) {
            throw new IllegalArgumentException("encoding a pair needs a separator: set optSeparatorToken(...)");
        }
        List<String> first = new ArrayList<>(vocabulary.splitter().split(text));
        List<String> second = pair == null ? List.of() : new ArrayList<>(vocabulary.splitter().split(pair));
        if (maxLength > 0) {
            int special = (start == null ? 0 : 1) + (end == null ? 0 : 1) + (pair == null ? 0 : 1);
            int budget = Math.max(0, maxLength - special);
            while (first.size() + second.size() > budget) {
                List<String> longer = second.size() > first.size() ? second : first;
                longer.remove(longer.size() - 1);
            }
        }
        List<String> tokens = new ArrayList<>();
        if (start != null) {
            tokens.add(start);
        }
        tokens.addAll(first);
        if (pair != null) {
            // The separator still belongs to the first segment, as [SEP] does in BERT.
            tokens.add(separator);
        }
        int secondSegmentStart = pair == null ? Integer.MAX_VALUE : tokens.size();
        tokens.addAll(second);
        if (end != null) {
            tokens.add(end);
        }
        return new Row(tokens, secondSegmentStart);
    }

    @Override
    public int vocabularySize() {
        return vocabulary.size();
    }

    @Override
    public long padId() {
        return vocabulary.padId();
    }

    /** Builds a {@link WordTokenizer}; the vocabulary is required. */
    public static final class Builder {

        private WordVocabulary vocabulary;
        private String start;
        private String end;
        private String separator;
        private int maxLength;

        private Builder() {}

        public Builder setVocabulary(WordVocabulary vocabulary) {
            this.vocabulary = vocabulary;
            return this;
        }

        /** A token put before every row, e.g. {@code [CLS]} or {@code <s>}. Default none. */
        public Builder optStartToken(String start) {
            this.start = start;
            return this;
        }

        /** A token put after every row, e.g. {@code </s>}. Default none. */
        public Builder optEndToken(String end) {
            this.end = end;
            return this;
        }

        /** The token between the two texts of a pair, e.g. {@code [SEP]}; required to encode pairs. Default none. */
        public Builder optSeparatorToken(String separator) {
            this.separator = separator;
            return this;
        }

        /** The most tokens per row, special tokens included. Default: no limit. */
        public Builder optMaxLength(int maxLength) {
            this.maxLength = maxLength;
            return this;
        }

        public WordTokenizer build() {
            if (vocabulary == null) {
                throw new IllegalArgumentException("setVocabulary(...) is required");
            }
            if (maxLength < 0) {
                throw new UserInputException("maxLength must be positive (or left unset for no limit), got " + maxLength);
            }
            for (String token : new String[] {start, end, separator}) {
                if (token != null && !vocabulary.contains(token)) {
                    throw new IllegalArgumentException("special token '" + token + "' is not in the vocabulary: "
                            + "reserve it with WordVocabulary.builder().optExtraTokens(...)");
                }
            }
            return new WordTokenizer(this);
        }
    }
}
