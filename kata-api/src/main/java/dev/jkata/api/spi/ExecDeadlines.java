package dev.jkata.api.spi;

import dev.jkata.api.ExecProcess;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@link dev.jkata.api.ExecSpec#timeout()} for {@code exec}, the same for every kind of sandbox: when the timeout
 * passes and the process still runs, it is killed (SIGKILL, which reaches every process it started), and its exit
 * status is then 137. One daemon thread serves every sandbox of the JVM; a process that exits first cancels its kill.
 */
public final class ExecDeadlines {
    private ExecDeadlines() {
    }

    /** Kills {@code process} once {@code timeout} has passed, unless {@code exited} completes first. */
    public static void killAfter(ExecProcess process, Duration timeout, CompletableFuture<?> exited) {
        var kill = DeadlineTimer.schedule(() -> {
            if (!exited.isDone()) {
                try {
                    process.signal(9);
                } catch (RuntimeException gone) {
                    // it ended meanwhile, or its sandbox did
                }
            }
        }, timeout);
        exited.whenComplete((r, e) -> kill.cancel(false));
    }
}
