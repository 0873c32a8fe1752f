package dev.nlptoolkit.tasks.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The progress line: rows, rate since the start (a resumed run's earlier rows left out), share read, ETA. */
class ScoreProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void printsRateShareAndTimeLeftEveryIntervalOffATerminal() {
        StringWriter text = new StringWriter();
        AtomicLong now = new AtomicLong();
        ScoreProgressBar bar = new ScoreProgressBar(new PrintWriter(text), false, Duration.ofSeconds(10), 1_000_000,
                4_000, 100_000, now::get);
        now.set(5 * SECOND);
        bar.update(6_000, 200_000);
        assertEquals("", text.toString(), "nothing before the interval");
        now.set(10 * SECOND);
        bar.update(9_000, 300_000);
        bar.finish(10_000, 1_000_000);
        assertEquals("score: 9,000 rows  500 rows/s   30%  ETA 0:00:35\n"
                + "score: 10,000 rows  600 rows/s  100%\n", text.toString());
    }
}
