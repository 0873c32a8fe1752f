package dev.nlptoolkit.tasks.score;

import dev.nlptoolkit.core.checkpoint.CheckpointException;
import dev.nlptoolkit.core.checkpoint.ModelDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * SHA-256 over the names and contents of the files a model directory is loaded from, so that a resumed
 * run can tell that the model changed (retrained, or another directory at the same path).
 */
final class ModelFingerprint {

    /** Read besides the checkpoint's own files by the loaders: word vocabularies and the token limit. */
    private static final List<String> EXTRA_FILES = List.of("vocab.json", "vocab.txt", "tokenizer_config.json");
    private static final int BUFFER_BYTES = 1 << 16;

    private ModelFingerprint() {}

    static String of(Path dir) throws IOException {
        TreeSet<Path> files = new TreeSet<>();
        try {
            files.addAll(ModelDirectory.open(dir).files());
        } catch (CheckpointException e) {
            throw new IOException(e.getMessage(), e);
        }
        for (String name : EXTRA_FILES) {
            if (Files.isRegularFile(dir.resolve(name))) {
                files.add(dir.resolve(name));
            }
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        byte[] buffer = new byte[BUFFER_BYTES];
        for (Path file : files) {
            digest.update(dir.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
