package dev.jkata.api.spi;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

/**
 * Every sandbox's {@link dev.jkata.api.SandboxBuilder#deadline deadline}, for providers: on the JVM's one deadline
 * timer, whose tasks hand the expiry (a close, which may take seconds) to a daemon thread of their own.
 */
public final class SandboxDeadlines {
    private SandboxDeadlines() {
    }

    /** Runs {@code expire} once {@code after} has passed, unless the returned handle is cancelled first. */
    public static ScheduledFuture<?> schedule(String sandboxId, Duration after, Runnable expire) {
        return DeadlineTimer.schedule(() -> {
            Thread t = new Thread(expire, "kata-deadline-" + sandboxId);
            t.setDaemon(true);
            t.start();
        }, after);
    }

    /** What whoever waits on a process of the sandbox is told. */
    public static dev.jkata.api.KataTimeoutException passed(String sandboxId, Duration deadline) {
        return new dev.jkata.api.KataTimeoutException(dev.jkata.api.KataErrorSource.HOST,
                "sandbox " + sandboxId + " reached its deadline and was closed", deadline, null);
    }
}
