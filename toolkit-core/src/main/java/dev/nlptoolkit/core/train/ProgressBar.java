package dev.nlptoolkit.core.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress: step/total, smoothed loss, examples per second and time left. On a terminal the
 * line is redrawn in place ({@code \r}); otherwise (a log file, CI) a full line is printed every
 * {@code lineInterval}.
 */
public final class ProgressBar {

    /** Weight of the history in the exponential moving average of the loss. */
    private static final double LOSS_SMOOTHING = 0.9;
    private static final Duration REDRAW_INTERVAL = Duration.ofMillis(200);
    private static final Duration DEFAULT_LINE_INTERVAL = Duration.ofSeconds(30);
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long total;
    private long firstStep;
    private long startNanos;
    private long lastDrawNanos;
    private long examples;
    private double smoothedLoss;
    private boolean hasLoss;
    private String lastLine = "";

    public ProgressBar(PrintStream out, boolean terminal, Duration lineInterval, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = (terminal ? REDRAW_INTERVAL : lineInterval).toNanos();
        this.clock = nanoClock;
    }

    /**
     * Progress on standard error. Java 17 cannot ask whether stderr itself is a terminal; an attached
     * console (stdin and stdout interactive) is taken to mean it is.
     */
    public static ProgressBar toStderr() {
        return new ProgressBar(System.err, System.console() != null, DEFAULT_LINE_INTERVAL, System::nanoTime);
    }

    /** Starts timing; {@code firstStep} is the step count the run starts from (non-zero on resume). */
    public void start(long totalSteps, long firstStep) {
        this.total = totalSteps;
        this.firstStep = firstStep;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** Changes the total step count, when the loop fits its schedule to a time budget. */
    public void retotal(long totalSteps) {
        this.total = totalSteps;
    }

    /** Records a finished step with its loss and number of examples; draws when it is time. */
    public void update(long step, double loss, long stepExamples) {
        examples += stepExamples;
        // A flag, not NaN, marks "no loss yet": a NaN loss must stay visible, not restart the average.
        smoothedLoss = hasLoss ? LOSS_SMOOTHING * smoothedLoss + (1 - LOSS_SMOOTHING) * loss : loss;
        hasLoss = true;
        long now = clock.getAsLong();
        if (now - lastDrawNanos >= intervalNanos || step == total) {
            lastDrawNanos = now;
            draw(line(step, now));
        }
    }

    /** Ends the redrawn line on a terminal. */
    public void finish() {
        if (terminal && !lastLine.isEmpty()) {
            out.println();
        }
    }

    String line(long step, long now) {
        double seconds = Math.max(now - startNanos, 1) / NANOS_PER_SECOND;
        long done = step - firstStep;
        double eta = done > 0 ? (total - step) * seconds / done : Double.NaN;
        return String.format(Locale.ROOT, "step %d/%d  loss %.4f  %.1f ex/s  eta %s",
                step, total, smoothedLoss, examples / seconds, format(eta));
    }

    private void draw(String line) {
        if (terminal) {
            // Pad so a shorter line fully covers the previous one.
            String padded = line.length() < lastLine.length()
                    ? line + " ".repeat(lastLine.length() - line.length()) : line;
            out.print('\r' + padded);
        } else {
            out.println(line);
        }
        out.flush();
        lastLine = line;
    }

    private static String format(double seconds) {
        if (Double.isNaN(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
