package dev.jkata.api.spi;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The JVM's one timer thread for every deadline of every sandbox (exec timeouts, sandbox deadlines): a daemon. */
final class DeadlineTimer {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kata-deadlines");
        t.setDaemon(true);
        return t;
    });

    private DeadlineTimer() {
    }

    /** Runs {@code task} on the timer thread once {@code after} has passed (at least a millisecond); it must be quick. */
    static ScheduledFuture<?> schedule(Runnable task, Duration after) {
        return TIMER.schedule(task, Math.max(1, after.toMillis()), TimeUnit.MILLISECONDS);
    }
}
