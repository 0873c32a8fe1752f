package dev.nlptoolkit.core.train;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress: step/total, smoothed loss, examples per second and time left; or, through
 * {@link #advance}, any count of work without a loss (lines translated). On a terminal the line is
 * redrawn in place ({@code \r}); otherwise (a log file, CI) a full line is printed every
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
    private final String countName;
    private final String rateUnit;
    private boolean hasLoss;
    private long total;
    private long firstStep;
    private long startNanos;
    private long lastDrawNanos;
    private long examples;
    private double smoothedLoss = Double.NaN;
    private String lastLine = "";

    public ProgressBar(PrintStream out, boolean terminal, Duration lineInterval, LongSupplier nanoClock) {
        this(out, terminal, lineInterval, nanoClock, "step", "ex");
    }

    /**
     * @param countName what the count counts, e.g. "step" or "lines"
     * @param rateUnit what the rate counts per second, e.g. "ex" or "tok"
     */
    public ProgressBar(PrintStream out, boolean terminal, Duration lineInterval, LongSupplier nanoClock,
            String countName, String rateUnit) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = (terminal ? REDRAW_INTERVAL : lineInterval).toNanos();
        this.clock = nanoClock;
        this.countName = countName;
        this.rateUnit = rateUnit;
    }

    /**
     * Progress on standard error. Java 17 cannot ask whether stderr itself is a terminal; an attached
     * console (stdin and stdout interactive) is taken to mean it is.
     */
    public static ProgressBar toStderr() {
        return toStderr("step", "ex");
    }

    /** {@link #toStderr()} counting {@code countName} with a rate of {@code rateUnit} per second. */
    public static ProgressBar toStderr(String countName, String rateUnit) {
        return new ProgressBar(System.err, System.console() != null, DEFAULT_LINE_INTERVAL, System::nanoTime,
                countName, rateUnit);
    }

    /** Starts timing; {@code firstStep} is the step count the run starts from (non-zero on resume). */
    public void start(long totalSteps, long firstStep) {
        this.total = totalSteps;
        this.firstStep = firstStep;
        this.startNanos = clock.getAsLong();
        this.lastDrawNanos = startNanos;
    }

    /** Records a finished step with its loss and number of examples; draws when it is time. */
    public void update(long step, double loss, long stepExamples) {
        hasLoss = true;
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : LOSS_SMOOTHING * smoothedLoss + (1 - LOSS_SMOOTHING) * loss;
        advance(step, stepExamples);
    }

    /** Records that the count reached {@code step}, {@code stepExamples} more done; draws when it is time. */
    public void advance(long step, long stepExamples) {
        examples += stepExamples;
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
        String loss = hasLoss ? String.format(Locale.ROOT, "  loss %.4f", smoothedLoss) : "";
        return String.format(Locale.ROOT, "%s %d/%d%s  %.1f %s/s  eta %s",
                countName, step, total, loss, examples / seconds, rateUnit, format(eta));
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
