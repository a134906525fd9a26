package dev.jkata.api;

import java.io.IOException;
import java.time.Duration;

/**
 * {@link Container#run(ExecSpec)} for every kind of sandbox, written once over {@link Container#exec}: stdin
 * closed at once, both streams captured on their own threads, the spec's timeout enforced by killing the
 * process, and the wait for the end of output bounded, since a background child can hold the process's pipes
 * open long after it exited.
 */
final class RunToCompletion {
    /** How long output may still arrive once the process has exited. */
    static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);
    private static final Duration MIN_GRACE = Duration.ofMillis(250);
    private static final Duration FOREVER = Duration.ofDays(365);

    private RunToCompletion() {}

    static ExecResult run(Container container, ExecSpec spec) throws InterruptedException {
        long start = System.nanoTime();
        long limit = spec.captureLimit().toBytes();
        // run() enforces the timeout itself (a KataTimeoutException, not exec's kill and 137)
        ExecSpec untimed = new ExecSpec(spec.command(), spec.env(), spec.workdir(), spec.user(), spec.terminal(),
                java.util.Optional.empty(), spec.captureLimit(), spec.rlimits(), spec.capabilities(), spec.noNewPrivileges(),
                spec.additionalGids());
        try (ExecProcess p = container.exec(untimed)) {
            try {
                p.stdin().close();
            } catch (IOException e) {
                // the process may already be gone; its status says what happened
            }
            OutputCapture out = OutputCapture.start(p.stdout(), limit, "kata-run-out-" + p.id());
            OutputCapture err = OutputCapture.start(p.stderr(), limit, "kata-run-err-" + p.id());
            ExitStatus status;
            try {
                status = p.waitFor(spec.timeout().orElse(FOREVER));
            } catch (KataTimeoutException e) {
                if (spec.timeout().isEmpty() || System.nanoTime() - start < spec.timeout().get().toNanos()) {
                    throw e; // not this run's own timeout: the sandbox's deadline
                }
                try {
                    p.close(); // kills it, and whatever of it the sandbox kind can reach
                } catch (RuntimeException killFailed) {
                    e.addSuppressed(killFailed);
                }
                throw new KataTimeoutException("'" + String.join(" ", spec.command()) + "' in container "
                        + container.id() + " ran too long and was killed", spec.timeout().get(), e);
            }
            Duration grace = OUTPUT_GRACE;
            if (spec.timeout().isPresent()) {
                Duration left = spec.timeout().get().minusNanos(System.nanoTime() - start);
                grace = left.compareTo(grace) < 0 ? left : grace;
            }
            if (grace.compareTo(MIN_GRACE) < 0) {
                grace = MIN_GRACE;
            }
            long graceEnd = System.nanoTime() + grace.toNanos();
            boolean ended = out.awaitEnd(grace) & err.awaitEnd(Duration.ofNanos(Math.max(0, graceEnd - System.nanoTime())));
            // Output still open after the grace is held by something the process left running: what came is kept.
            return new ExecResult(status, out.kept(), err.kept(), !ended || out.truncated() || err.truncated());
        }
    }
}
