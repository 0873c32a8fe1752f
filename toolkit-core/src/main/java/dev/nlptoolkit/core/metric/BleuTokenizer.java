package dev.nlptoolkit.core.metric;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The tokenizers sacreBLEU applies before counting BLEU's word n-grams, named as in its signature
 * ({@code tok:13a}).
 */
public enum BleuTokenizer {

    /** mteval-v13a, WMT's standard and sacreBLEU's default (sacrebleu/tokenizers/tokenizer_13a.py). */
    V13A("13a") {
        @Override
        public String tokenize(String line) {
            String text = line.replace("<skipped>", "").replace("-\n", "").replace("\n", " ");
            if (text.contains("&")) {
                text = text.replace("&quot;", "\"").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">");
            }
            text = " " + text + " ";
            // Punctuation and symbols of ASCII, except ' - . and , (handled next).
            text = ASCII_SYMBOL.matcher(text).replaceAll(" $1 ");
            // Period and comma split off unless between digits.
            text = POINT_AFTER_NON_DIGIT.matcher(text).replaceAll("$1 $2 ");
            text = POINT_BEFORE_NON_DIGIT.matcher(text).replaceAll(" $1 $2");
            text = DASH_AFTER_DIGIT.matcher(text).replaceAll("$1 $2 ");
            return String.join(" ", PythonText.split(text));
        }
    },

    /**
     * mteval-v14 "international": Unicode punctuation split off unless between digits, symbols always
     * (sacrebleu/tokenizers/tokenizer_intl.py). Categories come from Java's Unicode tables (13.0 in
     * Java 17), which agree with Python's regex module on every character assigned by then.
     */
    INTL("intl") {
        @Override
        public String tokenize(String line) {
            String text = PUNCTUATION_AFTER_NON_NUMBER.matcher(line).replaceAll("$1 $2 ");
            text = PUNCTUATION_BEFORE_NON_NUMBER.matcher(text).replaceAll(" $1 $2");
            text = SYMBOL.matcher(text).replaceAll(" $1 ");
            return String.join(" ", PythonText.split(text));
        }
    },

    /** No tokenization: words are split on whitespace only. Not recommended, as in sacreBLEU. */
    NONE("none") {
        @Override
        public String tokenize(String line) {
            return line;
        }
    };

    private static final Pattern ASCII_SYMBOL =
            Pattern.compile("([\\x7B-\\x7E\\x5B-\\x60\\x20-\\x26\\x28-\\x2B\\x3A-\\x40/])");
    private static final Pattern POINT_AFTER_NON_DIGIT = Pattern.compile("([^0-9])([.,])");
    private static final Pattern POINT_BEFORE_NON_DIGIT = Pattern.compile("([.,])([^0-9])");
    private static final Pattern DASH_AFTER_DIGIT = Pattern.compile("([0-9])(-)");
    private static final Pattern PUNCTUATION_AFTER_NON_NUMBER = Pattern.compile("(\\P{N})(\\p{P})");
    private static final Pattern PUNCTUATION_BEFORE_NON_NUMBER = Pattern.compile("(\\p{P})(\\P{N})");
    private static final Pattern SYMBOL = Pattern.compile("(\\p{S})");

    private final String signature;

    BleuTokenizer(String signature) {
        this.signature = signature;
    }

    /** The tokenized line, tokens separated by single spaces. */
    public abstract String tokenize(String line);

    /** The name in sacreBLEU's signature and {@code --tokenize} option: {@code 13a}, {@code intl}, {@code none}. */
    public String signature() {
        return signature;
    }

    /** The tokenizer sacreBLEU calls {@code name}. */
    public static BleuTokenizer fromSignature(String name) {
        for (BleuTokenizer tokenizer : values()) {
            if (tokenizer.signature.equals(name)) {
                return tokenizer;
            }
        }
        throw new IllegalArgumentException("unknown BLEU tokenizer '" + name + "': choose one of "
                + Arrays.stream(values()).map(BleuTokenizer::signature).collect(Collectors.joining(", ")));
    }
}
