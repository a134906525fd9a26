package dev.jkata.api.spi;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Every sandbox's {@link dev.jkata.api.SandboxBuilder#deadline deadline}, for providers: one daemon timer thread for
 * the JVM, whose tasks hand the expiry (a close, which may take seconds) to a daemon thread of their own.
 */
public final class SandboxDeadlines {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kata-deadlines");
        t.setDaemon(true);
        return t;
    });

    private SandboxDeadlines() {
    }

    /** Runs {@code expire} once {@code after} has passed, unless the returned handle is cancelled first. */
    public static ScheduledFuture<?> schedule(String sandboxId, Duration after, Runnable expire) {
        return TIMER.schedule(() -> {
            Thread t = new Thread(expire, "kata-deadline-" + sandboxId);
            t.setDaemon(true);
            t.start();
        }, after.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** What whoever waits on a process of the sandbox is told. */
    public static dev.jkata.api.KataTimeoutException passed(String sandboxId, Duration deadline) {
        return new dev.jkata.api.KataTimeoutException(dev.jkata.api.KataErrorSource.HOST,
                "sandbox " + sandboxId + " reached its deadline and was closed", deadline, null);
    }
}
