package dev.nlptoolkit.tasks.classify;

import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.device.EngineSettings;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** The shared test data: fixtures on the classpath and slices of the bundled data sets. */
final class Fixtures {

    /** The repository's bundled data sets, relative to the module directory Maven runs tests in. */
    private static final Path DATASETS = Path.of("..", "datasets");

    private Fixtures() {}

    /**
     * One PyTorch intra-op thread: on a small shared machine, OpenMP threads that spin-wait for a busy
     * core make small models tens of times slower, and tests run small models.
     */
    static void singleThreaded() {
        EngineSettings.threads(1, EngineSettings.current().interOp());
    }

    static Path tinyBert() {
        return resource("tiny-bert");
    }

    /** A file or directory of test-fixtures/, from the test class path. */
    static Path resource(String path) {
        try {
            return Paths.get(Fixtures.class.getResource("/fixtures/" + path).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path sst2(String file) {
        return DATASETS.resolve("sst2").resolve(file);
    }

    static Path trec() {
        return DATASETS.resolve("trec").resolve("train_5500.label");
    }

    /** The first {@code n} messages of the SMS Spam Collection ({@code label<TAB>text}, no header). */
    static List<Example> smsSpam(int from, int to) throws IOException {
        TabularReader reader = TabularReader.builder()
                .setTextColumn(Column.at(1)).optLabelColumn(Column.at(0)).optHeader(false).build();
        return reader.read(DATASETS.resolve("sms-spam").resolve("SMSSpamCollection.tsv")).subList(from, to);
    }
}
