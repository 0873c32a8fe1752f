package dev.nlptoolkit.tasks.translate;

import dev.nlptoolkit.core.data.ParallelTextReader;
import dev.nlptoolkit.core.data.SentencePair;
import dev.nlptoolkit.core.device.EngineSettings;

import com.google.gson.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A few dozen Multi30k pairs written as plain files, and a model small enough to train in a second. */
public final class TinyCorpus {

    /** The repository's bundled data sets, relative to the module directory Maven runs tests in. */
    public static final Path MULTI30K = Path.of("..", "datasets", "multi30k");
    public static final int PAIRS = 48;

    private TinyCorpus() {}

    /** The first {@code n} validation pairs, English to German. */
    public static List<SentencePair> pairs(int n) throws IOException {
        return ParallelTextReader.read(MULTI30K.resolve("val.en.gz"), MULTI30K.resolve("val.de.gz")).subList(0, n);
    }

    /** Writes {@code pairs} to {@code dir/name.en} and {@code dir/name.de} (plus {@code extra} lines each); returns both. */
    public static Path[] write(Path dir, String name, List<SentencePair> pairs, String extraSource, String extraTarget)
            throws IOException {
        StringBuilder en = new StringBuilder();
        StringBuilder de = new StringBuilder();
        for (SentencePair p : pairs) {
            en.append(p.source()).append('\n');
            de.append(p.target()).append('\n');
        }
        Path source = Files.writeString(dir.resolve(name + ".en"), en + extraSource);
        Path target = Files.writeString(dir.resolve(name + ".de"), de + extraTarget);
        return new Path[] {source, target};
    }

    /** A one-layer, 32-wide Transformer: odd sizes are not needed here, speed is. */
    public static JsonObject tinyTransformer() {
        JsonObject config = new JsonObject();
        config.addProperty("embedding_size", 32);
        config.addProperty("num_heads", 2);
        config.addProperty("feed_forward_size", 64);
        config.addProperty("encoder_layers", 1);
        config.addProperty("decoder_layers", 1);
        return config;
    }

    /** One PyTorch thread: spinning OpenMP threads make small models slow on a busy machine. */
    public static void singleThreaded() {
        EngineSettings.threads(1, EngineSettings.current().interOp());
    }
}
