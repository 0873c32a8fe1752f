package dev.nlptoolkit.tasks.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded mutations of a real file's bytes: truncation, byte flips, insertions, deletions, duplicated
 * ranges, numbers made huge or negative, deep JSON nesting, and (safetensors) a forged header length.
 * The same (file, seed) gives the same mutant, so a failing case is reproduced from its seed.
 */
final class Mutations {

    /** Property that raises the number of cases per target, e.g. {@code -Dfuzz.cases=10000}. */
    static final String CASES_PROPERTY = "fuzz.cases";
    private static final String[] NUMBERS = {"-1", "0", "99999999999999999999", "4294967296", "1e309", "-0.5",
        "9223372036854775807", "NaN"};
    private static final int KINDS = 9;
    private static final int MAX_DEPTH = 100_000;

    private Mutations() {}

    static int cases(int normally) {
        return Integer.getInteger(CASES_PROPERTY, normally);
    }

    static byte[] mutate(byte[] base, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] out = base;
        // One to three mutations on top of each other.
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            out = once(out, random);
        }
        return out;
    }

    private static byte[] once(byte[] in, SplittableRandom random) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(in.length);
        switch (random.nextInt(KINDS)) {
            case 0:
                return Arrays.copyOf(in, at);
            case 1: {
                byte[] out = in.clone();
                for (int k = 1 + random.nextInt(8); k > 0; k--) {
                    out[random.nextInt(out.length)] = (byte) random.nextInt(256);
                }
                return out;
            }
            case 2: {
                byte[] extra = new byte[1 + random.nextInt(16)];
                for (int i = 0; i < extra.length; i++) {
                    extra[i] = (byte) random.nextInt(256);
                }
                return splice(in, at, at, extra);
            }
            case 3:
                return splice(in, at, Math.min(in.length, at + 1 + random.nextInt(64)), new byte[0]);
            case 4: {
                int end = Math.min(in.length, at + 1 + random.nextInt(256));
                int to = random.nextInt(in.length);
                return splice(in, to, to, Arrays.copyOfRange(in, at, end));
            }
            case 5:
                return replaceNumber(in, at, NUMBERS[random.nextInt(NUMBERS.length)]);
            case 6: {
                int depth = 1 + random.nextInt(MAX_DEPTH);
                byte[] open = new byte[depth];
                Arrays.fill(open, (byte) (random.nextBoolean() ? '[' : '{'));
                return splice(in, at, at, open);
            }
            case 7: {
                byte[] out = in.clone();
                if (out.length >= Long.BYTES) {
                    long forged = random.nextBoolean() ? random.nextLong() : random.nextInt(Math.max(1, 2 * out.length));
                    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, forged);
                }
                return out;
            }
            default: {
                // A quote, brace or bracket replaced by another: types and structure confused.
                byte[] out = in.clone();
                byte[] structural = "\"{}[],:".getBytes(StandardCharsets.US_ASCII);
                for (int i = at; i < out.length; i++) {
                    if (Arrays.binarySearch(sorted(structural), out[i]) >= 0) {
                        out[i] = structural[random.nextInt(structural.length)];
                        break;
                    }
                }
                return out;
            }
        }
    }

    private static byte[] sorted(byte[] bytes) {
        byte[] copy = bytes.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static byte[] replaceNumber(byte[] in, int from, String number) {
        for (int i = from; i < in.length; i++) {
            if (in[i] >= '0' && in[i] <= '9') {
                int end = i;
                while (end < in.length && in[end] >= '0' && in[end] <= '9') {
                    end++;
                }
                return splice(in, i, end, number.getBytes(StandardCharsets.US_ASCII));
            }
        }
        return in;
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + insert.length);
        out.write(in, 0, from);
        out.write(insert, 0, insert.length);
        out.write(in, to, in.length - to);
        return out.toByteArray();
    }
}
