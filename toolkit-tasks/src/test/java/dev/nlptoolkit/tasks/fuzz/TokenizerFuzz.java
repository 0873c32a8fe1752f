package dev.nlptoolkit.tasks.fuzz;

import dev.nlptoolkit.core.tokenize.HfTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The child process of {@link UntrustedFilesFuzzTest#tokenizerJsonCannotTakeTheProcessDown}: loads
 * mutants of a tokenizer.json and tokenizes a sentence with each one that loads. Exits 0 when every
 * case ended in success or an {@link IOException}; 1 with the seeds otherwise; a native abort shows as
 * a signal's status.
 */
final class TokenizerFuzz {

    private TokenizerFuzz() {}

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Path work = Files.createDirectories(Path.of(args[1]));
        int cases = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int[] loaded = new int[1];
        Path target = work.resolve("tokenizer.json");
        UntrustedFilesFuzzTest.Reader reader = file -> {
            try (HfTokenizer tokenizer = HfTokenizer.builder().setPath(file).build()) {
                tokenizer.tokenize("The quick brown fox.");
                loaded[0]++;
            }
        };
        try {
            UntrustedFilesFuzzTest.fuzz(base, target, cases, seed, reader, Set.of(IOException.class));
        } catch (AssertionError e) {
            System.out.println("FAILED " + e.getMessage());
            System.exit(1);
        }
        System.out.println("cases " + cases + " loaded " + loaded[0]);
        System.exit(0);
    }
}
