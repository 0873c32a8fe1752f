package dev.nlptoolkit.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

class ProgressBarTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void logModePrintsALineEveryInterval() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                Duration.ofSeconds(10), now::get);
        bar.start(10, 0);
        for (int step = 1; step <= 10; step++) {
            now.addAndGet(4 * SECOND);
            bar.update(step, 1.0, 8);
        }
        bar.finish();
        // Lines at 12 s (step 3), 24 s (step 6), 36 s (step 9), and the last step.
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length);
        assertEquals("step 3/10  loss 1.0000  2.0 ex/s  eta 0:00:28", lines[0]);
        assertEquals("step 10/10  loss 1.0000  2.0 ex/s  eta 0:00:00", lines[3]);
    }

    @Test
    void terminalModeRedrawsInPlaceAndSmoothsTheLoss() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true,
                Duration.ofSeconds(10), now::get);
        bar.start(4, 2);
        now.addAndGet(SECOND);
        bar.update(3, 2.0, 1);
        now.addAndGet(SECOND);
        bar.update(4, 1.0, 1);
        bar.finish();
        String out = bytes.toString(StandardCharsets.UTF_8);
        // 0.9 * 2 + 0.1 * 1 = 1.9
        assertEquals("\rstep 3/4  loss 2.0000  1.0 ex/s  eta 0:00:01\rstep 4/4  loss 1.9000  1.0 ex/s  eta 0:00:00\n",
                out);
    }

    @Test
    void aNanLossStaysVisibleInsteadOfRestartingTheAverage() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false,
                Duration.ofSeconds(1), now::get);
        bar.start(3, 0);
        for (double loss : new double[] {2.0, Double.NaN, 1.0}) {
            now.addAndGet(SECOND);
            bar.update(Math.round(now.get() / (double) SECOND), loss, 1);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length);
        assertEquals("step 2/3  loss NaN  1.0 ex/s  eta 0:00:01", lines[1]);
        assertEquals("step 3/3  loss NaN  1.0 ex/s  eta 0:00:00", lines[2]);
    }
}
