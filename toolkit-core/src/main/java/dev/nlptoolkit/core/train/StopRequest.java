package dev.nlptoolkit.core.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Asks a {@link TrainingLoop} to stop at the next step boundary, writing its {@code last} checkpoint
 * ({@link TrainingResult.StopReason#INTERRUPTED}); {@code --resume} then continues the run.
 *
 * <p>{@link #onShutdown} ties it to the JVM's shutdown (SIGTERM, SIGINT, {@code System.exit}): the hook
 * sets the request and waits, up to a grace period, until the owner {@link #close}s it, which it does
 * once the checkpoint and whatever else it writes are on disk. SIGKILL runs no hook; the checkpoints'
 * atomic publishing covers that case.
 */
public final class StopRequest implements AutoCloseable {

    /** How long a shutdown waits for training to reach a step boundary and write its checkpoint. */
    public static final Duration DEFAULT_GRACE = Duration.ofMinutes(2);

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    private StopRequest(Duration grace, boolean onShutdown) {
        this.hook = onShutdown ? new Thread(() -> {
            requested = true;
            try {
                finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "training-stop-on-shutdown") : null;
        if (hook != null) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    }

    /** A request that only {@link #request()} sets. */
    public static StopRequest manual() {
        return new StopRequest(DEFAULT_GRACE, false);
    }

    /** A request set by the JVM's shutdown, which then waits up to {@code grace} for {@link #close()}. */
    public static StopRequest onShutdown(Duration grace) {
        return new StopRequest(grace, true);
    }

    public void request() {
        requested = true;
    }

    public boolean requested() {
        return requested;
    }

    /** Training and its writes are done: a waiting shutdown may go on; the hook is removed if it has not run. */
    @Override
    public void close() {
        finished.countDown();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown is under way and the hook is running: the countDown above releases it.
                return;
            }
        }
    }
}
