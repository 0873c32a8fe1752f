package dev.nlptoolkit.plot;

import java.awt.Color;
import java.util.Arrays;
import java.util.List;

/**
 * A sequential colour scale from light (low values) to dark (high values), so that what matters
 * stands out on a white page and prints in grey. The stops are ColorBrewer's 9-class sequential
 * schemes (Brewer, colorbrewer2.org), as matplotlib's {@code Blues}, {@code Oranges}, {@code Greens}.
 */
public enum ColorScale {
    BLUES(0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b),
    ORANGES(0xfff5eb, 0xfee6ce, 0xfdd0a2, 0xfdae6b, 0xfd8d3c, 0xf16913, 0xd94801, 0xa63603, 0x7f2704),
    GREENS(0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45, 0x006d2c, 0x00441b);

    /** Above this luminance a cell's text is drawn black, below it white. */
    private static final double TEXT_LUMINANCE_THRESHOLD = 0.55;

    private final List<Color> stops;

    ColorScale(int... rgb) {
        stops = Arrays.stream(rgb).mapToObj(Color::new).toList();
    }

    /** The colour of {@code fraction} in [0, 1] (clamped) along the scale, interpolated linearly. */
    public Color at(double fraction) {
        double f = Double.isNaN(fraction) ? 0 : Math.max(0, Math.min(1, fraction));
        double position = f * (stops.size() - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, stops.size() - 1);
        double t = position - low;
        Color a = stops.get(low);
        Color b = stops.get(high);
        return new Color(
                (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }

    /** Black or white, whichever reads better on {@code background}. */
    static Color textOn(Color background) {
        return luminance(background) > TEXT_LUMINANCE_THRESHOLD ? Color.BLACK : Color.WHITE;
    }

    /** Relative luminance in [0, 1] (ITU-R BT.709 weights on the sRGB values): 0 is black. */
    static double luminance(Color c) {
        return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255.0;
    }
}
