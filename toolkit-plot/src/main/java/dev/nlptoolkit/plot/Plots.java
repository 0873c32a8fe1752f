package dev.nlptoolkit.plot;

import dev.nlptoolkit.core.checkpoint.AtomicFiles;
import dev.nlptoolkit.core.metric.ClassificationMetrics;
import dev.nlptoolkit.core.train.RunFiles;
import dev.nlptoolkit.core.train.TrainingHistory;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

import javax.imageio.ImageIO;

/**
 * The toolkit's charts, each returned as a {@link BufferedImage} (JJava's {@code display(image)}
 * shows it in a notebook) and written as PNG by {@link #writePng}: training curves, confusion
 * matrices, attention heatmaps (heads side by side), translation alignments and score histograms.
 *
 * <pre>{@code
 * Plots.writePng(Plots.trainingCurves(TrainingHistory.read(dir.resolve("train_log.jsonl")), "accuracy"),
 *         dir.resolve("training_curves.png"));
 * Plots.writePng(Plots.confusionMatrix(model.evaluate(dev)), dir.resolve("confusion_matrix.png"));
 * }</pre>
 *
 * <p>Renders headless ({@code -Djava.awt.headless=true}, no display needed); text needs fontconfig
 * and one font (any of DejaVu, Liberation, Noto).
 */
public final class Plots {

    /** Tableau blue (matplotlib's {@code C0}): the training loss. */
    static final Color LOSS_COLOR = new Color(0x1f77b4);
    /** Tableau orange ({@code C1}): the dev metric. */
    static final Color METRIC_COLOR = new Color(0xff7f0e);
    static final Color BEST_COLOR = new Color(0xd62728);
    /** Tableau's first colours with some transparency, so overlapping histograms stay readable. */
    static final List<Color> HISTOGRAM_COLORS = List.of(
            new Color(0x1f, 0x77, 0xb4, 0xb0), new Color(0xff, 0x7f, 0x0e, 0xb0), new Color(0x2c, 0xa0, 0x2c, 0xb0),
            new Color(0xd6, 0x27, 0x28, 0xb0), new Color(0x94, 0x67, 0xbd, 0xb0), new Color(0x8c, 0x56, 0x4b, 0xb0));
    static final Color GRID_COLOR = new Color(0xe6e6e6);
    static final int CHART_WIDTH = 520;
    static final int CHART_HEIGHT = 360;
    static final float LINE_WIDTH = 2.2f;
    static final Font BASE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font CHART_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    /** Each head's grid aims at this many pixels a side, so that four heads fit a notebook's width. */
    static final int HEAD_GRID_PIXELS = 300;
    static final int MAX_HEAD_CELL = 32;
    /** Cell side of a token-weight row: room for a two-decimal weight. */
    static final int TOKEN_CELL = 40;
    /** Confusion matrices above this many labels leave the counts out of the cells. */
    static final int MAX_ANNOTATED_LABELS = 20;

    private Plots() {}

    /**
     * Writes {@value RunFiles#TRAINING_CURVES_FILE} into a training run's output directory, from its
     * {@value RunFiles#LOG_FILE}: the training loss and the dev {@code metric} over steps.
     *
     * @return the file written, or empty when no evaluation ran (no dev set, or none reached)
     */
    public static Optional<Path> writeTrainingCurves(Path runDir, String metric) throws IOException {
        if (!Files.isRegularFile(runDir.resolve(RunFiles.LOG_FILE))) {
            return Optional.empty();
        }
        TrainingHistory history = TrainingHistory.ofRun(runDir);
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Path file = runDir.resolve(RunFiles.TRAINING_CURVES_FILE);
        writePng(trainingCurves(history, metric), file);
        return Optional.of(file);
    }

    /**
     * Training loss (left) and the dev {@code metric} (right) over optimizer steps, the best
     * evaluation marked. Without dev metrics in the log only the loss is drawn.
     *
     * @param metric a key of the log's {@code metrics}, e.g. {@code "accuracy"}, {@code "macro_f1"}
     */
    public static BufferedImage trainingCurves(TrainingHistory history, String metric) {
        if (history.isEmpty()) {
            throw new IllegalArgumentException("the training log has no evaluations to plot");
        }
        List<Double> steps = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        List<Double> metricSteps = new ArrayList<>();
        List<Double> metricValues = new ArrayList<>();
        for (TrainingHistory.Entry e : history.entries()) {
            if (Double.isFinite(e.trainLoss())) {
                steps.add((double) e.step());
                losses.add(e.trainLoss());
            }
            Double value = e.metrics().get(metric);
            if (value != null && Double.isFinite(value)) {
                metricSteps.add((double) e.step());
                metricValues.add(value);
            }
        }
        if (metricSteps.isEmpty() && !history.metricNames().isEmpty()) {
            throw new IllegalArgumentException("the training log has no metric '" + metric + "'; it has "
                    + history.metricNames());
        }
        List<BufferedImage> panels = new ArrayList<>();
        XYChart loss = lineChart("Training loss", "step", "mean loss since previous evaluation");
        addLine(loss, "train loss", steps, losses, LOSS_COLOR);
        loss.getStyler().setLegendVisible(false);
        panels.add(BitmapEncoder.getBufferedImage(loss));
        if (!metricSteps.isEmpty()) {
            XYChart dev = lineChart("Dev " + metric, "step", metric);
            addLine(dev, "dev " + metric, metricSteps, metricValues, METRIC_COLOR);
            int best = 0;
            for (int i = 1; i < metricValues.size(); i++) {
                best = metricValues.get(i) > metricValues.get(best) ? i : best;
            }
            XYSeries bestPoint = dev.addSeries(String.format(Locale.ROOT, "best %.4f at step %,d",
                    metricValues.get(best), Math.round(metricSteps.get(best))),
                    List.of(metricSteps.get(best)), List.of(metricValues.get(best)));
            bestPoint.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            bestPoint.setMarker(SeriesMarkers.CIRCLE);
            bestPoint.setMarkerColor(BEST_COLOR);
            dev.getStyler().setMarkerSize(9);
            dev.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
            panels.add(BitmapEncoder.getBufferedImage(dev));
        }
        return Figure.sideBySide(null, panels).image();
    }

    /** {@link #confusionMatrix(List, long[][], String)} of {@code metrics}, titled with n and accuracy. */
    public static BufferedImage confusionMatrix(ClassificationMetrics metrics) {
        SortedMap<String, SortedMap<String, Long>> confusion = metrics.confusion();
        List<String> labels = List.copyOf(confusion.keySet());
        long[][] counts = new long[labels.size()][labels.size()];
        for (int r = 0; r < labels.size(); r++) {
            for (int c = 0; c < labels.size(); c++) {
                counts[r][c] = confusion.get(labels.get(r)).get(labels.get(c));
            }
        }
        return confusionMatrix(labels, counts, String.format(Locale.ROOT, "Confusion matrix: n = %,d, accuracy %.4f",
                metrics.n(), metrics.accuracy()));
    }

    /**
     * A confusion matrix: gold labels as rows, predictions as columns; each cell coloured by its
     * share of its row (recall on the diagonal) and printed with its count and that share.
     */
    public static BufferedImage confusionMatrix(List<String> labels, long[][] counts, String title) {
        return confusionHeatmap(labels, counts, title).render();
    }

    static Heatmap confusionHeatmap(List<String> labels, long[][] counts, String title) {
        int n = labels.size();
        if (n == 0 || counts.length != n) {
            throw new IllegalArgumentException("need one row of counts per label: " + n + " labels, "
                    + counts.length + " rows");
        }
        double[][] share = new double[n][n];
        String[][] text = new String[n][n];
        for (int r = 0; r < n; r++) {
            if (counts[r].length != n) {
                throw new IllegalArgumentException("row " + r + " of the counts has " + counts[r].length
                        + " columns for " + n + " labels");
            }
            long total = 0;
            for (long count : counts[r]) {
                total += count;
            }
            for (int c = 0; c < n; c++) {
                share[r][c] = total == 0 ? Double.NaN : (double) counts[r][c] / total;
                text[r][c] = n > MAX_ANNOTATED_LABELS ? null : total == 0 ? "0"
                        : String.format(Locale.ROOT, "%,d\n%.0f%%", counts[r][c], 100 * share[r][c]);
            }
        }
        return Heatmap.builder()
                .setValues(share)
                .optRowLabels(labels)
                .optColumnLabels(labels)
                .optCellText(text)
                .optTitle(title)
                .optRowAxisTitle("gold")
                .optColumnAxisTitle("predicted")
                .optRange(0, 1)
                .optCellSize(Math.max(Heatmap.MIN_CELL, Math.min(72, Heatmap.TARGET_GRID_PIXELS / n)))
                .build();
    }

    /**
     * Self-attention of one input, one panel per head side by side: queries as rows, keys as columns,
     * both labelled with the tokens; one colour scale from 0 to the largest weight of any head.
     *
     * @param weights (heads, T, T) attention probabilities, each row summing to 1
     * @param title the figure's title, e.g. the sentence and its prediction; null for none
     */
    public static BufferedImage attention(List<String> tokens, float[][][] weights, String title) {
        return attentionFigure(tokens, weights, title).image();
    }

    static Figure attentionFigure(List<String> tokens, float[][][] weights, String title) {
        List<Heatmap> heads = attentionHeatmaps(tokens, weights);
        return Figure.sideBySide(title, heads.stream().map(Heatmap::render).toList());
    }

    static List<Heatmap> attentionHeatmaps(List<String> tokens, float[][][] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("attention weights have no heads");
        }
        double max = 0;
        for (float[][] head : weights) {
            checkSquare(head, tokens.size());
            for (float[] row : head) {
                for (float w : row) {
                    max = Math.max(max, w);
                }
            }
        }
        List<Heatmap> out = new ArrayList<>();
        for (int h = 0; h < weights.length; h++) {
            out.add(Heatmap.builder()
                    .setValues(toDouble(weights[h]))
                    .optRowLabels(tokens)
                    .optColumnLabels(tokens)
                    .optTitle("head " + (h + 1))
                    .optRowAxisTitle(h == 0 ? "query" : null)
                    .optColumnAxisTitle("key")
                    .optRange(0, max > 0 ? max : 1)
                    .optColorBar(h == weights.length - 1)
                    .optCellSize(Math.max(Heatmap.MIN_CELL, Math.min(MAX_HEAD_CELL, HEAD_GRID_PIXELS / tokens.size())))
                    .build());
        }
        return out;
    }

    /**
     * How much each token of one input weighs in the prediction (an attention pooling's weights), as
     * one row of cells under the tokens, each printed with its weight.
     */
    public static BufferedImage tokenWeights(List<String> tokens, float[] weights, String title) {
        return tokenWeightsHeatmap(tokens, weights, title).render();
    }

    static Heatmap tokenWeightsHeatmap(List<String> tokens, float[] weights, String title) {
        if (weights.length != tokens.size()) {
            throw new IllegalArgumentException("got " + weights.length + " weights for " + tokens.size() + " tokens");
        }
        double max = 0;
        String[][] text = new String[1][weights.length];
        for (int t = 0; t < weights.length; t++) {
            max = Math.max(max, weights[t]);
            text[0][t] = String.format(Locale.ROOT, "%.2f", weights[t]);
        }
        return Heatmap.builder()
                .setValues(toDouble(new float[][] {weights}))
                .optColumnLabels(tokens)
                .optRowLabels(List.of("weight"))
                .optCellText(text)
                .optTitle(title)
                .optRange(0, max > 0 ? max : 1)
                .optCellSize(TOKEN_CELL)
                .optColorBar(false)
                .build();
    }

    /**
     * A translation's source-target alignment (cross-attention, Bahdanau et al. 2015, figure 3):
     * target tokens as rows, source tokens as columns.
     *
     * @param weights (target length, source length), each row summing to 1
     */
    public static BufferedImage alignment(List<String> source, List<String> target, float[][] weights,
            String title) {
        return alignmentHeatmap(source, target, weights, title).render();
    }

    static Heatmap alignmentHeatmap(List<String> source, List<String> target, float[][] weights, String title) {
        if (weights.length != target.size()) {
            throw new IllegalArgumentException("alignment has " + weights.length + " rows for " + target.size()
                    + " target tokens");
        }
        for (int r = 0; r < weights.length; r++) {
            if (weights[r].length != source.size()) {
                throw new IllegalArgumentException("alignment row " + r + " has " + weights[r].length
                        + " columns for " + source.size() + " source tokens");
            }
        }
        return Heatmap.builder()
                .setValues(toDouble(weights))
                .optRowLabels(target)
                .optColumnLabels(source)
                .optTitle(title)
                .optRowAxisTitle("target")
                .optColumnAxisTitle("source")
                .optRange(0, 1)
                .optColorScale(ColorScale.ORANGES)
                .build();
    }

    /** {@link #histogram(Map, int, String, String)} of one series. */
    public static BufferedImage histogram(double[] values, int bins, String xTitle, String title) {
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put(xTitle, values);
        return histogram(series, bins, xTitle, title);
    }

    /**
     * Histograms of one or more series of scores (e.g. the positive-class probability, by gold label)
     * over the same {@code bins} equal bins from the smallest to the largest value; overlapping bars
     * are semi-transparent. NaN values are left out.
     */
    public static BufferedImage histogram(Map<String, double[]> series, int bins, String xTitle, String title) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1, got " + bins);
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] values : series.values()) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            throw new IllegalArgumentException("no finite values to draw a histogram of");
        }
        if (hi == lo) {
            hi = lo + 1;
        }
        XYChart chart = lineChart(title, xTitle, "count");
        chart.getStyler().setLegendVisible(series.size() > 1);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        double width = (hi - lo) / bins;
        int index = 0;
        for (Map.Entry<String, double[]> entry : series.entrySet()) {
            List<Double> finite = new ArrayList<>();
            for (double v : entry.getValue()) {
                if (Double.isFinite(v)) {
                    finite.add(v);
                }
            }
            Histogram histogram = new Histogram(finite, bins, lo, hi);
            // bars as a step outline from each bin's left edge, closed at the right edge
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            List<Double> counts = histogram.getyAxisData();
            for (int b = 0; b < bins; b++) {
                xs.add(lo + b * width);
                ys.add(counts.get(b));
            }
            xs.add(hi);
            ys.add(counts.get(bins - 1));
            XYSeries s = chart.addSeries(entry.getKey() + " (" + finite.size() + ")", xs, ys);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
            s.setMarker(SeriesMarkers.NONE);
            Color color = HISTOGRAM_COLORS.get(index++ % HISTOGRAM_COLORS.size());
            s.setFillColor(color);
            s.setLineColor(color.darker());
            s.setLineStyle(new BasicStroke(1f));
        }
        chart.getStyler().setXAxisMin(lo).setXAxisMax(hi).setYAxisMin(0.0);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** Writes {@code image} as PNG, atomically, creating the parent directories. */
    public static void writePng(RenderedImage image, Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this JVM's ImageIO");
            }
        });
    }

    private static XYChart lineChart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChart(CHART_WIDTH, CHART_HEIGHT);
        chart.setTitle(title == null ? "" : title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        Styler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(CHART_TITLE_FONT);
        styler.setBaseFont(BASE_FONT);
        styler.setLegendFont(BASE_FONT);
        styler.setLegendBorderColor(GRID_COLOR);
        styler.setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(GRID_COLOR);
        chart.getStyler().setAxisTitleFont(BASE_FONT);
        chart.getStyler().setAxisTickLabelsFont(BASE_FONT);
        chart.getStyler().setAxisTicksLineVisible(false);
        chart.getStyler().setXAxisDecimalPattern("#,###.##");
        return chart;
    }

    private static void addLine(XYChart chart, String name, List<Double> xs, List<Double> ys, Color color) {
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setLineStyle(new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        s.setMarker(xs.size() <= 40 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        s.setMarkerColor(color);
    }

    private static void checkSquare(float[][] head, int tokens) {
        if (head.length != tokens) {
            throw new IllegalArgumentException("attention has " + head.length + " query rows for " + tokens
                    + " tokens");
        }
        for (float[] row : head) {
            if (row.length != tokens) {
                throw new IllegalArgumentException("attention row has " + row.length + " keys for " + tokens
                        + " tokens");
            }
        }
    }

    private static double[][] toDouble(float[][] m) {
        double[][] out = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = new double[m[r].length];
            for (int c = 0; c < m[r].length; c++) {
                out[r][c] = m[r][c];
            }
        }
        return out;
    }
}
