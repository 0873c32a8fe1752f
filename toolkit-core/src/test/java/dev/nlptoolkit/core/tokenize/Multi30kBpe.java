package dev.nlptoolkit.core.tokenize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The bundled Multi30k text and the default vocabulary learned from its training side, made once per JVM. */
final class Multi30kBpe {

    private static final Path DIR = Paths.get("..", "datasets", "multi30k");
    private static BpeVocabulary vocabulary;
    private static long learnMillis;

    private Multi30kBpe() {}

    /** The lines of {@code datasets/multi30k/NAME.gz}, e.g. {@code train.en}. */
    static List<String> lines(String name) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(DIR.resolve(name + ".gz"))), StandardCharsets.UTF_8))) {
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Learned with the defaults (8,000 symbols, min frequency 2) from train.en and train.de together. */
    static synchronized BpeVocabulary vocabulary() {
        if (vocabulary == null) {
            List<String> english = lines("train.en");
            List<String> german = lines("train.de");
            long start = System.nanoTime();
            vocabulary = BpeTrainer.builder().build().train(english, german);
            learnMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("Multi30kBpe: learned " + vocabulary.size() + " symbols from "
                    + (english.size() + german.size()) + " sentences in " + learnMillis + " ms");
        }
        return vocabulary;
    }
}
