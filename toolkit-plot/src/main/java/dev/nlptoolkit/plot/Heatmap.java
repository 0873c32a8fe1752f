package dev.nlptoolkit.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One heatmap panel: a matrix of values as coloured cells, labelled rows (left) and columns (below,
 * vertical), optional text in each cell and a colour bar. Painted with Java2D rather than XChart's
 * {@code HeatMapChart}, which can neither print a count in a cell coloured by another value (a
 * confusion matrix's counts over row-normalised colour) nor keep repeated labels (a sentence's
 * tokens) apart.
 *
 * <p>Row 0 is drawn at the top, as matrices are read. Works headless ({@code java.awt.headless=true});
 * text needs a font that fontconfig can find.
 */
public final class Heatmap {

    static final Color BACKGROUND = Color.WHITE;
    static final Color MISSING = new Color(0xe0e0e0);
    static final Color TEXT = new Color(0x212121);
    static final Color GRID_LINE = Color.WHITE;
    static final int PADDING = 16;
    static final int LABEL_GAP = 6;
    static final int MAX_LABEL_CHARS = 20;
    static final int COLOR_BAR_WIDTH = 14;
    static final int COLOR_BAR_GAP = 14;
    static final int COLOR_BAR_TICKS = 5;
    /** The grid's longer side aims at this many pixels; cells stay within the limits below. */
    static final int TARGET_GRID_PIXELS = 420;
    static final int MIN_CELL = 14;
    static final int MAX_CELL = 64;
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 12);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private final double[][] values;
    private final List<String> rowLabels;
    private final List<String> columnLabels;
    private final String[][] cellText;
    private final String title;
    private final String rowAxisTitle;
    private final String columnAxisTitle;
    private final double min;
    private final double max;
    private final ColorScale scale;
    private final boolean colorBar;
    private final int cell;
    private final int rows;
    private final int columns;

    // layout, fixed at build time from the font metrics
    private final int gridLeft;
    private final int gridTop;
    private final int width;
    private final int height;

    private Heatmap(Builder b) {
        values = b.values;
        rows = values.length;
        columns = values[0].length;
        rowLabels = b.rowLabels;
        columnLabels = b.columnLabels;
        cellText = b.cellText;
        title = b.title;
        rowAxisTitle = b.rowAxisTitle;
        columnAxisTitle = b.columnAxisTitle;
        scale = b.scale;
        colorBar = b.colorBar;
        double[] range = b.range != null ? b.range : dataRange(values);
        min = range[0];
        max = range[1];
        cell = b.cellSize > 0 ? b.cellSize
                : Math.max(MIN_CELL, Math.min(MAX_CELL, TARGET_GRID_PIXELS / Math.max(rows, columns)));

        FontMetrics labels = metrics(LABEL_FONT);
        FontMetrics axis = metrics(AXIS_TITLE_FONT);
        FontMetrics heading = metrics(TITLE_FONT);
        int rowLabelWidth = maxWidth(labels, rowLabels);
        int columnLabelHeight = maxWidth(labels, columnLabels);
        int left = PADDING + (rowAxisTitle == null ? 0 : axis.getHeight() + LABEL_GAP)
                + (rowLabelWidth == 0 ? 0 : rowLabelWidth + LABEL_GAP);
        int top = PADDING + (title == null ? 0 : heading.getHeight() + LABEL_GAP);
        int bottom = (columnLabelHeight == 0 ? 0 : LABEL_GAP + columnLabelHeight)
                + (columnAxisTitle == null ? 0 : LABEL_GAP + axis.getHeight()) + PADDING;
        int right = colorBar
                ? COLOR_BAR_GAP + COLOR_BAR_WIDTH + LABEL_GAP + maxWidth(labels, colorBarLabels()) + PADDING
                : PADDING;
        gridLeft = left;
        gridTop = top;
        int gridWidth = columns * cell;
        int titleWidth = title == null ? 0 : heading.stringWidth(title) + 2 * PADDING;
        int columnTitleWidth = columnAxisTitle == null ? 0 : axis.stringWidth(columnAxisTitle) + 2 * PADDING;
        width = Math.max(left + gridWidth + right, Math.max(titleWidth, left + columnTitleWidth));
        height = top + rows * cell + bottom;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Image width in pixels. */
    public int width() {
        return width;
    }

    /** Image height in pixels. */
    public int height() {
        return height;
    }

    /** Where cell ({@code row}, {@code column}) lies in the rendered image. */
    public Rectangle cellBounds(int row, int column) {
        if (row < 0 || row >= rows || column < 0 || column >= columns) {
            throw new IndexOutOfBoundsException("cell (" + row + ", " + column + ") outside " + rows + " x " + columns);
        }
        return new Rectangle(gridLeft + column * cell, gridTop + row * cell, cell, cell);
    }

    /** Paints the heatmap on a new white image. */
    public BufferedImage render() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            paint(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void paint(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        if (title != null) {
            g.setFont(TITLE_FONT);
            g.setColor(TEXT);
            g.drawString(title, PADDING, PADDING + g.getFontMetrics().getAscent());
        }
        Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, Math.min(13, cell / 3)));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                Rectangle box = cellBounds(r, c);
                double v = values[r][c];
                Color fill = Double.isNaN(v) ? MISSING : scale.at(fraction(v));
                g.setColor(fill);
                g.fillRect(box.x, box.y, box.width, box.height);
                if (cellText != null && cellText[r][c] != null && !cellText[r][c].isEmpty()) {
                    g.setFont(cellFont);
                    g.setColor(ColorScale.textOn(fill));
                    drawCentred(g, cellText[r][c], box.x + box.width / 2, box.y + box.height / 2);
                }
            }
        }
        g.setColor(GRID_LINE);
        if (cell >= 2 * MIN_CELL) {
            for (int r = 1; r < rows; r++) {
                g.drawLine(gridLeft, gridTop + r * cell, gridLeft + columns * cell - 1, gridTop + r * cell);
            }
            for (int c = 1; c < columns; c++) {
                g.drawLine(gridLeft + c * cell, gridTop, gridLeft + c * cell, gridTop + rows * cell - 1);
            }
        }
        paintLabels(g);
        if (colorBar) {
            paintColorBar(g);
        }
    }

    private void paintLabels(Graphics2D g) {
        g.setFont(LABEL_FONT);
        g.setColor(TEXT);
        FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < rowLabels.size() && r < rows; r++) {
            String label = shorten(rowLabels.get(r));
            int y = gridTop + r * cell + cell / 2 + (fm.getAscent() - fm.getDescent()) / 2;
            g.drawString(label, gridLeft - LABEL_GAP - fm.stringWidth(label), y);
        }
        int gridBottom = gridTop + rows * cell;
        int columnLabelHeight = maxWidth(fm, columnLabels);
        for (int c = 0; c < columnLabels.size() && c < columns; c++) {
            String label = shorten(columnLabels.get(c));
            int x = gridLeft + c * cell + cell / 2 + (fm.getAscent() - fm.getDescent()) / 2;
            AffineTransform saved = g.getTransform();
            // vertical text, read bottom to top, its end against the grid
            g.translate(x, gridBottom + LABEL_GAP + fm.stringWidth(label));
            g.rotate(-Math.PI / 2);
            g.drawString(label, 0, 0);
            g.setTransform(saved);
        }
        g.setFont(AXIS_TITLE_FONT);
        FontMetrics axis = g.getFontMetrics();
        if (columnAxisTitle != null) {
            int y = gridBottom + (columnLabelHeight == 0 ? 0 : LABEL_GAP + columnLabelHeight) + LABEL_GAP
                    + axis.getAscent();
            int x = gridLeft + (columns * cell - axis.stringWidth(columnAxisTitle)) / 2;
            g.drawString(columnAxisTitle, Math.max(PADDING, x), y);
        }
        if (rowAxisTitle != null) {
            AffineTransform saved = g.getTransform();
            int y = gridTop + (rows * cell + axis.stringWidth(rowAxisTitle)) / 2;
            g.translate(PADDING + axis.getAscent(), y);
            g.rotate(-Math.PI / 2);
            g.drawString(rowAxisTitle, 0, 0);
            g.setTransform(saved);
        }
    }

    private void paintColorBar(Graphics2D g) {
        int x = gridLeft + columns * cell + COLOR_BAR_GAP;
        int barHeight = rows * cell;
        for (int y = 0; y < barHeight; y++) {
            g.setColor(scale.at(1 - (double) y / Math.max(1, barHeight - 1)));
            g.drawLine(x, gridTop + y, x + COLOR_BAR_WIDTH - 1, gridTop + y);
        }
        g.setColor(TEXT);
        g.drawRect(x, gridTop, COLOR_BAR_WIDTH - 1, barHeight - 1);
        g.setFont(LABEL_FONT);
        FontMetrics fm = g.getFontMetrics();
        List<String> ticks = colorBarLabels();
        for (int i = 0; i < ticks.size(); i++) {
            int y = gridTop + (int) Math.round((1 - (double) i / (ticks.size() - 1)) * (barHeight - 1));
            g.drawLine(x + COLOR_BAR_WIDTH, y, x + COLOR_BAR_WIDTH + 3, y);
            g.drawString(ticks.get(i), x + COLOR_BAR_WIDTH + LABEL_GAP, y + (fm.getAscent() - fm.getDescent()) / 2);
        }
    }

    /** Tick labels of the colour bar, low to high. */
    private List<String> colorBarLabels() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < COLOR_BAR_TICKS; i++) {
            out.add(formatTick(min + (max - min) * i / (COLOR_BAR_TICKS - 1)));
        }
        return out;
    }

    private static String formatTick(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private double fraction(double v) {
        return max > min ? (v - min) / (max - min) : 0;
    }

    private static double[] dataRange(double[][] values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (!Double.isNaN(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo > hi ? new double[] {0, 1} : new double[] {Math.min(lo, 0), hi > Math.min(lo, 0) ? hi : 1};
    }

    /** Draws {@code text}, lines split at '\n', centred on ({@code cx}, {@code cy}). */
    private static void drawCentred(Graphics2D g, String text, int cx, int cy) {
        FontMetrics fm = g.getFontMetrics();
        String[] lines = text.split("\n");
        int lineHeight = fm.getAscent() + fm.getDescent();
        int y = cy - lines.length * lineHeight / 2 + fm.getAscent();
        for (String line : lines) {
            g.drawString(line, cx - fm.stringWidth(line) / 2, y);
            y += lineHeight;
        }
    }

    static String shorten(String label) {
        return label.length() <= MAX_LABEL_CHARS ? label : label.substring(0, MAX_LABEL_CHARS - 1) + "\u2026";
    }

    private static int maxWidth(FontMetrics fm, List<String> labels) {
        int w = 0;
        for (String label : labels) {
            w = Math.max(w, fm.stringWidth(shorten(label)));
        }
        return w;
    }

    /** Font metrics without a screen: from a 1x1 image's graphics, as rendering will use. */
    static FontMetrics metrics(Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            return g.getFontMetrics(font);
        } finally {
            g.dispose();
        }
    }

    /** Builds a {@link Heatmap}; {@code setValues} is required. */
    public static final class Builder {
        private double[][] values;
        private List<String> rowLabels = List.of();
        private List<String> columnLabels = List.of();
        private String[][] cellText;
        private String title;
        private String rowAxisTitle;
        private String columnAxisTitle;
        private double[] range;
        private ColorScale scale = ColorScale.BLUES;
        private boolean colorBar = true;
        private int cellSize;

        private Builder() {}

        /** The matrix (rows, columns), rectangular and not empty; NaN cells are drawn grey. */
        public Builder setValues(double[][] values) {
            this.values = values;
            return this;
        }

        /** Labels to the left of the rows, top to bottom; default none. */
        public Builder optRowLabels(List<String> labels) {
            this.rowLabels = List.copyOf(labels);
            return this;
        }

        /** Labels below the columns, left to right; default none. */
        public Builder optColumnLabels(List<String> labels) {
            this.columnLabels = List.copyOf(labels);
            return this;
        }

        /** Text printed in each cell (null entries print nothing), same shape as the values; default none. */
        public Builder optCellText(String[][] text) {
            this.cellText = text;
            return this;
        }

        public Builder optTitle(String title) {
            this.title = title;
            return this;
        }

        public Builder optRowAxisTitle(String title) {
            this.rowAxisTitle = title;
            return this;
        }

        public Builder optColumnAxisTitle(String title) {
            this.columnAxisTitle = title;
            return this;
        }

        /** The values at the light and dark ends of the scale; default min(0, data min) to the data max. */
        public Builder optRange(double low, double high) {
            if (!(high > low)) {
                throw new IllegalArgumentException("colour range needs low < high, got " + low + " .. " + high);
            }
            this.range = new double[] {low, high};
            return this;
        }

        /** Default {@link ColorScale#BLUES}. */
        public Builder optColorScale(ColorScale scale) {
            this.scale = scale;
            return this;
        }

        /** Whether to draw the colour bar on the right; default true. */
        public Builder optColorBar(boolean show) {
            this.colorBar = show;
            return this;
        }

        /** Cell side in pixels; default chosen from the matrix size (14 to 64). */
        public Builder optCellSize(int pixels) {
            if (pixels < 1) {
                throw new IllegalArgumentException("cell size must be at least 1 pixel, got " + pixels);
            }
            this.cellSize = pixels;
            return this;
        }

        public Heatmap build() {
            if (values == null || values.length == 0 || values[0].length == 0) {
                throw new IllegalArgumentException("Heatmap needs setValues(...) with at least one row and column");
            }
            for (int r = 0; r < values.length; r++) {
                if (values[r].length != values[0].length) {
                    throw new IllegalArgumentException("Heatmap values must be rectangular: row " + r + " has "
                            + values[r].length + " columns, row 0 has " + values[0].length);
                }
            }
            check("row labels", rowLabels.size(), values.length);
            check("column labels", columnLabels.size(), values[0].length);
            if (cellText != null && (cellText.length != values.length || cellText[0].length != values[0].length)) {
                throw new IllegalArgumentException("cell text must have the values' shape " + values.length + " x "
                        + values[0].length);
            }
            return new Heatmap(this);
        }

        private static void check(String what, int got, int expected) {
            if (got != 0 && got != expected) {
                throw new IllegalArgumentException("got " + got + " " + what + " for " + expected
                        + "; give one per " + (what.startsWith("row") ? "row" : "column") + " or none");
            }
        }
    }
}
