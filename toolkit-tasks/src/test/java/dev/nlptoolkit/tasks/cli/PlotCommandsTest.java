package dev.nlptoolkit.tasks.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.data.Column;
import dev.nlptoolkit.core.data.Example;
import dev.nlptoolkit.core.data.TabularReader;
import dev.nlptoolkit.core.device.DeviceChoice;
import dev.nlptoolkit.core.device.EngineSettings;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.plot.Plots;
import dev.nlptoolkit.tasks.classify.AttentionMap;
import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.ClassifierPlots;
import dev.nlptoolkit.tasks.classify.Dataset;
import dev.nlptoolkit.tasks.classify.DatasetColumns;
import dev.nlptoolkit.tasks.classify.TextInput;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

/** The --plot options of train-classifier, predict and evaluate: the PNGs they write show the run's data. */
class PlotCommandsTest {

    private static final Path DATASETS = Path.of("..", "datasets");
    private static final int TRAIN = 400;
    private static final int DEV = 100;

    @TempDir static Path shared;
    @TempDir Path tmp;

    private static Path model;
    private static Path dev;
    private static JsonObject trained;

    @BeforeAll
    static void train() throws Exception {
        EngineSettings.threads(1, EngineSettings.current().interOp());
        List<Example> sms = TabularReader.builder().setTextColumn(Column.at(1)).optLabelColumn(Column.at(0))
                .optHeader(false).build().read(DATASETS.resolve("sms-spam").resolve("SMSSpamCollection.tsv"));
        Path train = write(shared.resolve("train.tsv"), sms.subList(0, TRAIN));
        dev = write(shared.resolve("dev.tsv"), sms.subList(TRAIN, TRAIN + DEV));
        model = shared.resolve("model");
        Execution run = Cli.run("train-classifier", "--train", train.toString(), "--dev", dev.toString(),
                "--model", "bilstm-attention", "--out", model.toString(), "--epochs", "3", "--max-length", "32",
                "--batch-size", "32", "--evaluate-every", "5", "--seed", "5", "--threads", "1", "--plot");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        trained = JsonParser.parseString(run.out()).getAsJsonObject();
    }

    private static Path write(Path file, List<Example> examples) throws Exception {
        StringBuilder tsv = new StringBuilder("label\ttext\n");
        examples.forEach(e -> tsv.append(e.label()).append('\t').append(e.text()).append('\n'));
        return Files.writeString(file, tsv);
    }

    @Test
    void trainClassifierPlotWritesTheCurvesAndTheSavedModelsDevConfusionMatrix() throws Exception {
        JsonArray plots = trained.getAsJsonArray("plots");
        assertEquals(List.of(model.resolve(RunFiles.TRAINING_CURVES_FILE).toString(),
                model.resolve(ClassifierPlots.CONFUSION_MATRIX_FILE).toString()),
                plots.asList().stream().map(e -> e.getAsString()).toList());
        BufferedImage curves = ImageIO.read(model.resolve(RunFiles.TRAINING_CURVES_FILE).toFile());
        assertPixelsEqual(ClassifierPlots.trainingCurves(model), curves);
        // the confusion matrix is the saved (best) model's on the dev set
        try (ClassifierModel saved = ClassifierModel.load(model, DeviceChoice.CPU)) {
            BufferedImage expected = Plots.confusionMatrix(saved.evaluate(
                    Dataset.read(dev, DatasetColumns.DEFAULT)));
            assertPixelsEqual(expected, ImageIO.read(model.resolve(ClassifierPlots.CONFUSION_MATRIX_FILE).toFile()));
        }
    }

    @Test
    void predictPlotDrawsOneHeatmapPerPredictedLineAndTheSamePredictions() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.jsonl"), String.join("\n",
                "{\"text\": \"WINNER! Claim your free prize now\"}",
                "not json",
                "{\"text\": \"see you at home later\"}") + "\n");
        Path plain = tmp.resolve("plain.jsonl");
        Path plotted = tmp.resolve("plotted.jsonl");
        Path dir = tmp.resolve("plots");
        assertEquals(ToolkitCli.EXIT_OK, Cli.run("predict", "--model", model.toString(), "--input", in.toString(),
                "--output", plain.toString(), "--explain").status());
        Execution run = Cli.run("predict", "--model", model.toString(), "--input", in.toString(),
                "--output", plotted.toString(), "--explain", "--plot", dir.toString());
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        assertEquals(Files.readAllLines(plain), Files.readAllLines(plotted));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("line-000001.png", "line-000003.png"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (ClassifierModel saved = ClassifierModel.load(model, DeviceChoice.CPU)) {
            TextInput third = TextInput.of("see you at home later");
            AttentionMap map = saved.attention(List.of(third)).get(0);
            assertEquals(List.of("see", "you", "at", "home", "later"), map.tokens());
            assertEquals(0, map.heads());
            assertEquals(1.0, sum(map.tokenWeights()), 1e-5);
            assertPixelsEqual(ClassifierPlots.attention(map, third),
                    ImageIO.read(dir.resolve("line-000003.png").toFile()));
        }
    }

    @Test
    void predictPlotsBertsHeadsSideBySide() throws Exception {
        Path tinyBert = Paths.get(getClass().getResource("/fixtures/tiny-bert").toURI());
        Path in = Files.writeString(tmp.resolve("bert.jsonl"),
                "{\"text\": \"The movie was a total waste of time.\"}\n");
        Path dir = tmp.resolve("bert-plots");
        Execution run = Cli.run("predict", "--model", tinyBert.toString(), "--input", in.toString(),
                "--output", tmp.resolve("bert-out.jsonl").toString(), "--explain", "--plot", dir.toString(),
                "--device", "cpu");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        try (ClassifierModel bert = ClassifierModel.load(tinyBert, DeviceChoice.CPU)) {
            TextInput input = TextInput.of("The movie was a total waste of time.");
            AttentionMap map = bert.attention(List.of(input)).get(0);
            assertTrue(map.heads() > 1, "tiny-bert has several heads");
            BufferedImage image = ImageIO.read(dir.resolve("line-000001.png").toFile());
            assertPixelsEqual(ClassifierPlots.attention(map, input), image);
            BufferedImage oneHead = Plots.attention(map.tokens(), new float[][][] {map.selfAttention()[0]}, null);
            assertTrue(image.getWidth() > (map.heads() - 1) * oneHead.getWidth(), "heads side by side");
        }
    }

    @Test
    void plotOptionsSayWhatIsMissing() throws Exception {
        Path in = Files.writeString(tmp.resolve("in.jsonl"), "{\"text\": \"hi\"}\n");
        Execution noExplain = Cli.run("predict", "--model", model.toString(), "--input", in.toString(),
                "--output", tmp.resolve("o.jsonl").toString(), "--plot", tmp.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, noExplain.status());
        assertTrue(noExplain.err().contains("--plot draws explanations: give --explain too"), noExplain.err());
        Path lstm = Paths.get(getClass().getResource("/fixtures/saved-v0.1/lstm").toURI());
        Execution noAttention = Cli.run("predict", "--model", lstm.toString(), "--input", in.toString(),
                "--output", tmp.resolve("o.jsonl").toString(), "--explain", "--plot", tmp.toString());
        assertEquals(ToolkitCli.EXIT_USER_ERROR, noAttention.status());
        assertTrue(noAttention.err().contains("lstm: this model has no attention to plot"), noAttention.err());
        assertFalse(Files.exists(tmp.resolve("o.jsonl")), "no output written");
    }

    @Test
    void evaluatePlotWritesTheConfusionMatrixToAFileOrADirectory() throws Exception {
        Path file = tmp.resolve("cm.png");
        Execution run = Cli.run("evaluate", "--model", model.toString(), "--data", dev.toString(), "--plot",
                file.toString(), "--threads", "1");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        try (ClassifierModel saved = ClassifierModel.load(model, DeviceChoice.CPU)) {
            assertPixelsEqual(Plots.confusionMatrix(saved.evaluate(Dataset.read(dev, DatasetColumns.DEFAULT))),
                    ImageIO.read(file.toFile()));
        }
        Path dir = tmp.resolve("eval");
        run = Cli.run("evaluate", "--model", model.toString(), "--data", dev.toString(), "--plot", dir.toString(),
                "--attack-epsilon", "5", "--threads", "1");
        assertEquals(ToolkitCli.EXIT_OK, run.status(), run.err());
        JsonArray plots = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonArray("plots");
        assertEquals(2, plots.size());
        assertTrue(Files.isRegularFile(dir.resolve(ClassifierPlots.CONFUSION_MATRIX_FILE)));
        assertTrue(Files.isRegularFile(dir.resolve(EvaluateCommand.UNDER_ATTACK_FILE)));
        assertFalse(Files.isRegularFile(tmp.resolve(EvaluateCommand.UNDER_ATTACK_FILE)));
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }

    private static void assertPixelsEqual(BufferedImage expected, BufferedImage actual) {
        assertEquals(expected.getWidth(), actual.getWidth(), "width");
        assertEquals(expected.getHeight(), actual.getHeight(), "height");
        assertArrayEquals(expected.getRGB(0, 0, expected.getWidth(), expected.getHeight(), null, 0,
                expected.getWidth()), actual.getRGB(0, 0, actual.getWidth(), actual.getHeight(), null, 0,
                actual.getWidth()));
    }
}
