package dev.nlptoolkit.tasks.score;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Scoring progress on one line: rows done, rows per second, share of the input read and time left. On a
 * terminal the line is redrawn in place; otherwise a full line is printed every {@code lineInterval}.
 */
final class ScoreProgressBar {

    private static final Duration REDRAW_INTERVAL = Duration.ofMillis(200);
    static final Duration LINE_INTERVAL = Duration.ofSeconds(30);
    private static final double NANOS_PER_SECOND = 1e9;
    private static final int SECONDS_PER_MINUTE = 60;
    private static final int SECONDS_PER_HOUR = 3600;

    private final PrintWriter out;
    private final boolean terminal;
    private final long intervalNanos;
    private final long totalBytes;
    private final LongSupplier clock;
    private final long startNanos;
    private final long startRows;
    private final long startBytes;
    private long lastDrawNanos;
    private int lastWidth;

    /**
     * @param totalBytes the input file's size, for the share read and the time left
     * @param startRows rows already done (a resumed run), not counted in the rate
     * @param startBytes file bytes already read (the header; a resumed run's skipped part)
     */
    ScoreProgressBar(PrintWriter out, boolean terminal, Duration lineInterval, long totalBytes, long startRows,
            long startBytes, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = (terminal ? REDRAW_INTERVAL : lineInterval).toNanos();
        this.totalBytes = totalBytes;
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos;
        this.startRows = startRows;
        this.startBytes = startBytes;
    }

    void update(long rows, long bytesRead) {
        long now = clock.getAsLong();
        if (now - lastDrawNanos >= intervalNanos) {
            draw(rows, bytesRead, now);
        }
    }

    void finish(long rows, long bytesRead) {
        draw(rows, bytesRead, clock.getAsLong());
        if (terminal) {
            out.println();
        }
        out.flush();
    }

    private void draw(long rows, long bytesRead, long now) {
        lastDrawNanos = now;
        double seconds = Math.max(1e-9, (now - startNanos) / NANOS_PER_SECOND);
        double rate = (rows - startRows) / seconds;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "score: %,d rows  %,.0f rows/s", rows,
                rate));
        if (totalBytes > 0) {
            double done = Math.min(1, (double) bytesRead / totalBytes);
            line.append(String.format(Locale.ROOT, "  %3.0f%%", 100 * done));
            long read = bytesRead - startBytes;
            if (read > 0 && bytesRead < totalBytes) {
                line.append("  ETA ").append(clock((long) (seconds * (totalBytes - bytesRead) / read)));
            }
        }
        if (terminal) {
            int width = line.length();
            line.append(" ".repeat(Math.max(0, lastWidth - width)));
            lastWidth = width;
            out.print("\r" + line);
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String clock(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / SECONDS_PER_HOUR,
                seconds % SECONDS_PER_HOUR / SECONDS_PER_MINUTE, seconds % SECONDS_PER_MINUTE);
    }
}
