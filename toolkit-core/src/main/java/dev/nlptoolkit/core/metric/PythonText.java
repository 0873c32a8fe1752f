package dev.nlptoolkit.core.metric;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Python 3's {@code str.split()}, {@code str.rstrip()} and {@code str.lower()}, which sacreBLEU relies on. */
final class PythonText {

    private PythonText() {}

    /** Python's {@code str.isspace()}: category Zs or bidirectional class WS, B or S (the list of Python 3.11). */
    static boolean isSpace(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** {@code text.split()}: the runs of non-space characters. */
    static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (isSpace(c)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /** {@code "".join(text.split())}: the text without any whitespace. */
    static String removeSpaces(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(c -> !isSpace(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /** {@code text.rstrip()}. */
    static String rstrip(String text) {
        int end = text.length();
        while (end > 0) {
            int c = text.codePointBefore(end);
            if (!isSpace(c)) {
                break;
            }
            end -= Character.charCount(c);
        }
        return text.substring(0, end);
    }

    /**
     * {@code text.lower()}: full Unicode lower-casing, final sigma included, in either language (Java
     * 17 knows Unicode 13, Python 3.11 Unicode 14; they differ only on characters new in 14).
     */
    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
