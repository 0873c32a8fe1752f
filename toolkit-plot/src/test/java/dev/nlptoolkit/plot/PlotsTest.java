package dev.nlptoolkit.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.TrainingHistory;
import dev.nlptoolkit.core.train.TrainingLog;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/** The charts say what their data say: read back from their pixels. */
class PlotsTest {

    private static final List<String> TOKENS = List.of("the", "film", "is", "the", "best");

    @TempDir Path dir;

    @Test
    void perfectClassifierIsDarkestOnTheDiagonal() {
        List<String> gold = new ArrayList<>();
        for (String label : List.of("negative", "neutral", "positive")) {
            for (int i = 0; i < (label.length() * 7); i++) {
                gold.add(label);
            }
        }
        ClassificationMetrics perfect = ClassificationMetrics.of(gold, gold);
        List<String> labels = List.copyOf(perfect.confusion().keySet());
        long[][] counts = counts(perfect, labels);
        Heatmap heatmap = Plots.confusionHeatmap(labels, counts, "t");
        BufferedImage image = Plots.confusionMatrix(perfect);
        assertEquals(heatmap.width(), image.getWidth());
        double darkestOff = 0;
        double lightestDiagonal = 0;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                double luminance = ColorScale.luminance(besideText(image, heatmap.cellBounds(r, c)));
                if (r == c) {
                    lightestDiagonal = Math.max(lightestDiagonal, luminance);
                } else {
                    darkestOff = Math.max(darkestOff, 1 - luminance);
                }
            }
        }
        // off-diagonal cells are 0% (white), diagonal ones 100% (the darkest blue)
        assertTrue(lightestDiagonal < 0.25, "diagonal luminance " + lightestDiagonal);
        assertTrue(darkestOff < 0.05, "off-diagonal darkness " + darkestOff);
    }

    @Test
    void confusionColourFollowsTheRowShareNotTheCount() {
        // row 0: 90 of 100 right; row 1: 5 of 10 right; the 5 is a smaller count but the cell, 50%, is
        // lighter than the 90% one and darker than the 10% one
        long[][] counts = {{90, 10}, {5, 5}};
        List<String> labels = List.of("a", "b");
        Heatmap heatmap = Plots.confusionHeatmap(labels, counts, "t");
        BufferedImage image = heatmap.render();
        double ninety = ColorScale.luminance(besideText(image, heatmap.cellBounds(0, 0)));
        double ten = ColorScale.luminance(besideText(image, heatmap.cellBounds(0, 1)));
        double fifty = ColorScale.luminance(besideText(image, heatmap.cellBounds(1, 0)));
        double fiftyToo = ColorScale.luminance(besideText(image, heatmap.cellBounds(1, 1)));
        assertTrue(ninety < fifty && fifty < ten, ninety + " " + fifty + " " + ten);
        assertEquals(fifty, fiftyToo, 1e-9);
    }

    @Test
    void identityAttentionIsDarkestOnTheDiagonalOfEveryHead() {
        int t = TOKENS.size();
        float[][][] weights = new float[2][t][t];
        for (int h = 0; h < 2; h++) {
            for (int i = 0; i < t; i++) {
                weights[h][i][i] = 1;
            }
        }
        Figure figure = Plots.attentionFigure(TOKENS, weights, "identity");
        List<Heatmap> heads = Plots.attentionHeatmaps(TOKENS, weights);
        assertEquals(figure.image().getWidth(), Plots.attention(TOKENS, weights, "identity").getWidth());
        for (int h = 0; h < 2; h++) {
            for (int q = 0; q < t; q++) {
                double diagonal = luminanceAt(figure.image(), figure.cellCentre(h, heads.get(h), q, q));
                for (int k = 0; k < t; k++) {
                    if (k != q) {
                        double off = luminanceAt(figure.image(), figure.cellCentre(h, heads.get(h), q, k));
                        assertTrue(diagonal < off - 0.5, "head " + h + " query " + q + " key " + k);
                    }
                }
            }
        }
    }

    @Test
    void attentionHeadsShareOneScale() {
        // head 2's weights are half of head 1's: its diagonal must be lighter
        int t = 3;
        float[][][] weights = new float[2][t][t];
        for (int i = 0; i < t; i++) {
            weights[0][i][i] = 1f;
            weights[1][i][i] = 0.5f;
            for (int k = 0; k < t; k++) {
                weights[1][i][k] += k == i ? 0 : 0.25f;
            }
        }
        List<String> tokens = List.of("a", "b", "c");
        Figure figure = Plots.attentionFigure(tokens, weights, null);
        List<Heatmap> heads = Plots.attentionHeatmaps(tokens, weights);
        double first = luminanceAt(figure.image(), figure.cellCentre(0, heads.get(0), 1, 1));
        double second = luminanceAt(figure.image(), figure.cellCentre(1, heads.get(1), 1, 1));
        assertTrue(first < second, first + " " + second);
    }

    @Test
    void alignmentOfAMonotoneTranslationFollowsTheDiagonal() {
        List<String> source = List.of("ein", "Hund", "läuft", ".");
        List<String> target = List.of("a", "dog", "runs", ".");
        float[][] weights = new float[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                weights[i][j] = i == j ? 0.7f : 0.1f;
            }
        }
        Heatmap heatmap = Plots.alignmentHeatmap(source, target, weights, "alignment");
        BufferedImage image = Plots.alignment(source, target, weights, "alignment");
        for (int i = 0; i < 4; i++) {
            double diagonal = luminanceAt(image, centre(heatmap.cellBounds(i, i)));
            double off = luminanceAt(image, centre(heatmap.cellBounds(i, (i + 1) % 4)));
            assertTrue(diagonal < off, "row " + i);
        }
    }

    @Test
    void risingMetricEndsHigherAndFallingLossEndsLower() throws IOException {
        Path log = dir.resolve("train_log.jsonl");
        try (TrainingLog writer = TrainingLog.open(log)) {
            for (int i = 1; i <= 10; i++) {
                writer.write(i * 100L, i * 0.5, 1e-3, 1.0 / i, i * 2.0, Map.of("accuracy", 0.5 + 0.04 * i));
            }
        }
        BufferedImage image = Plots.trainingCurves(TrainingHistory.read(log), "accuracy");
        int half = image.getWidth() / 2;
        int[] metric = lineEnds(image, Plots.METRIC_COLOR, half, image.getWidth());
        int[] loss = lineEnds(image, Plots.LOSS_COLOR, 0, half);
        // image y grows downwards: higher on the chart is a smaller y
        assertTrue(metric[1] < metric[0] - 50, "metric starts at y " + metric[0] + ", ends at y " + metric[1]);
        assertTrue(loss[1] > loss[0] + 50, "loss starts at y " + loss[0] + ", ends at y " + loss[1]);
    }

    @Test
    void logWithoutTheMetricSaysWhichItHas() throws IOException {
        Path log = dir.resolve("train_log.jsonl");
        try (TrainingLog writer = TrainingLog.open(log)) {
            writer.write(100, 1, 1e-3, 0.5, 1, Map.of("accuracy", 0.7, "mcc", 0.4));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.trainingCurves(TrainingHistory.read(log), "f1"));
        assertTrue(e.getMessage().contains("[accuracy, mcc]"), e.getMessage());
    }

    @Test
    void histogramBarsStandWhereTheValuesAre() {
        double[] scores = new double[200];
        for (int i = 0; i < scores.length; i++) {
            // 180 scores near 0.9, 20 near 0.1
            scores[i] = i < 180 ? 0.85 + 0.1 * i / 180 : 0.05 + 0.1 * (i - 180) / 20;
        }
        BufferedImage image = Plots.histogram(scores, 10, "P(positive)", "scores");
        Color fill = blend(Plots.HISTOGRAM_COLORS.get(0), Color.WHITE);
        int[] columns = columnCounts(image, fill);
        int mid = image.getWidth() / 2;
        int left = 0;
        int right = 0;
        for (int x = 0; x < columns.length; x++) {
            if (x < mid) {
                left = Math.max(left, columns[x]);
            } else {
                right = Math.max(right, columns[x]);
            }
        }
        // the bar of 180 is about nine times as tall as the bar of 20
        assertTrue(right > 5 * left && left > 0, "tallest bar left " + left + " px, right " + right + " px");
    }

    @Test
    void writesAPngThatReadsBack() throws IOException {
        float[][][] weights = {{{0.5f, 0.5f}, {0.25f, 0.75f}}};
        BufferedImage image = Plots.attention(List.of("a", "b"), weights, null);
        Path png = dir.resolve("sub/attention.png");
        Plots.writePng(image, png);
        BufferedImage back = ImageIO.read(png.toFile());
        assertEquals(image.getWidth(), back.getWidth());
        assertEquals(image.getHeight(), back.getHeight());
        assertEquals(image.getRGB(image.getWidth() / 2, image.getHeight() / 2),
                back.getRGB(image.getWidth() / 2, image.getHeight() / 2));
    }

    @Test
    void badShapesAreRefusedWithTheirSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.attention(List.of("a", "b", "c"), new float[1][2][2], null));
        assertTrue(e.getMessage().contains("2 query rows for 3 tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Heatmap.builder().setValues(new double[][] {{1, 2}, {3}}).build());
        assertTrue(e.getMessage().contains("row 1 has 1 columns"), e.getMessage());
    }

    private static long[][] counts(ClassificationMetrics m, List<String> labels) {
        long[][] counts = new long[labels.size()][labels.size()];
        for (int r = 0; r < labels.size(); r++) {
            for (int c = 0; c < labels.size(); c++) {
                counts[r][c] = m.confusion().get(labels.get(r)).get(labels.get(c));
            }
        }
        return counts;
    }

    /** A confusion cell's colour a sixth of the way in from its corner, clear of the centred text. */
    private static Color besideText(BufferedImage image, Rectangle cell) {
        return new Color(image.getRGB(cell.x + cell.width / 6, cell.y + cell.height / 6));
    }

    private static Point centre(Rectangle r) {
        return new Point(r.x + r.width / 2, r.y + r.height / 2);
    }

    private static double luminanceAt(BufferedImage image, Point p) {
        return ColorScale.luminance(new Color(image.getRGB(p.x, p.y)));
    }

    /**
     * The mean y of {@code color}'s pixels in the first and in the last column holding any, between
     * {@code fromX} and {@code toX}: where the plotted line starts and ends.
     */
    private static int[] lineEnds(BufferedImage image, Color color, int fromX, int toX) {
        int first = -1;
        int last = -1;
        for (int x = fromX; x < toX; x++) {
            if (meanY(image, color, x) >= 0) {
                first = first < 0 ? x : first;
                last = x;
            }
        }
        assertTrue(first >= 0 && last - first > 100, "no line of colour " + color + " found");
        return new int[] {meanY(image, color, first), meanY(image, color, last)};
    }

    private static int meanY(BufferedImage image, Color color, int x) {
        long sum = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            if (close(new Color(image.getRGB(x, y)), color)) {
                sum += y;
                n++;
            }
        }
        return n == 0 ? -1 : (int) (sum / n);
    }

    private static int[] columnCounts(BufferedImage image, Color color) {
        int[] counts = new int[image.getWidth()];
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                counts[x] += close(new Color(image.getRGB(x, y)), color) ? 1 : 0;
            }
        }
        return counts;
    }

    private static boolean close(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen())
                + Math.abs(a.getBlue() - b.getBlue()) < 30;
    }

    /** A translucent colour as it shows over {@code background}. */
    private static Color blend(Color top, Color background) {
        double a = top.getAlpha() / 255.0;
        return new Color(
                (int) Math.round(top.getRed() * a + background.getRed() * (1 - a)),
                (int) Math.round(top.getGreen() * a + background.getGreen() * (1 - a)),
                (int) Math.round(top.getBlue() * a + background.getBlue() * (1 - a)));
    }
}
