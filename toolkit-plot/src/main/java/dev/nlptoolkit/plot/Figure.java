package dev.nlptoolkit.plot;

import java.awt.Graphics2D;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Panels laid out left to right under an optional title, on one white image; keeps where each panel
 * went so that heatmap cells can still be found in the whole.
 *
 * @param image the composed image
 * @param origins each panel's top-left corner in {@code image}
 */
record Figure(BufferedImage image, List<Point> origins) {

    static final int PANEL_GAP = 8;

    /** Lays {@code panels} side by side, tops aligned, under {@code title} (null for none). */
    static Figure sideBySide(String title, List<BufferedImage> panels) {
        int titleHeight = title == null ? 0
                : Heatmap.PADDING + Heatmap.metrics(Heatmap.TITLE_FONT).getHeight();
        int width = 0;
        int height = 0;
        for (BufferedImage panel : panels) {
            width += panel.getWidth();
            height = Math.max(height, panel.getHeight());
        }
        width += PANEL_GAP * Math.max(0, panels.size() - 1);
        if (title != null) {
            width = Math.max(width, Heatmap.metrics(Heatmap.TITLE_FONT).stringWidth(title) + 2 * Heatmap.PADDING);
        }
        BufferedImage image = new BufferedImage(width, titleHeight + height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        List<Point> origins = new ArrayList<>();
        try {
            g.setColor(Heatmap.BACKGROUND);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            if (title != null) {
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setFont(Heatmap.TITLE_FONT);
                g.setColor(Heatmap.TEXT);
                g.drawString(title, Heatmap.PADDING, Heatmap.PADDING + g.getFontMetrics().getAscent());
            }
            int x = 0;
            for (BufferedImage panel : panels) {
                g.drawImage(panel, x, titleHeight, null);
                origins.add(new Point(x, titleHeight));
                x += panel.getWidth() + PANEL_GAP;
            }
        } finally {
            g.dispose();
        }
        return new Figure(image, List.copyOf(origins));
    }

    /** The centre of {@code heatmap}'s cell ({@code row}, {@code column}), when it is panel {@code panel}. */
    Point cellCentre(int panel, Heatmap heatmap, int row, int column) {
        Rectangle cell = heatmap.cellBounds(row, column);
        Point origin = origins.get(panel);
        return new Point(origin.x + cell.x + cell.width / 2, origin.y + cell.y + cell.height / 2);
    }
}
