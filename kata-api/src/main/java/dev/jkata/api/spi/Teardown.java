package dev.jkata.api.spi;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.util.Objects;

/**
 * The one way a sandbox closes its parts: every step runs even when an earlier one failed, and the failures are
 * gathered into one {@link KataException} (the steps' own exceptions attached as suppressed), thrown by
 * {@link #finish()}. Not thread-safe: one closing thread owns it.
 *
 * <pre>{@code
 * Teardown t = new Teardown(id);
 * t.step(network::close);
 * t.step(agent::close);
 * t.finish();
 * }</pre>
 */
public final class Teardown {
    /** A step that may fail with any exception. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    private final String sandboxId;
    private final KataException failure;

    public Teardown(String sandboxId) {
        this.sandboxId = Objects.requireNonNull(sandboxId, "sandboxId");
        this.failure = new KataException(KataErrorReason.IO, "closing sandbox " + sandboxId + " failed", sandboxId, null);
    }

    /** Runs {@code step}; a failure is kept for {@link #finish()} and the next step still runs. */
    public void step(Step step) {
        try {
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Keeps {@code e}, a failure seen outside a step, for {@link #finish()}. */
    public void add(Throwable e) {
        failure.addSuppressed(e);
    }

    /** Whether any step has failed so far. */
    public boolean failed() {
        return failure.getSuppressed().length > 0;
    }

    /** Throws the gathered failure when any step failed; returns quietly otherwise. */
    public void finish() {
        if (failed()) {
            throw failure;
        }
    }

    /** Attaches every failure gathered so far to {@code first} as suppressed, for a teardown after a failed start. */
    public void attachTo(Throwable first) {
        for (Throwable e : failure.getSuppressed()) {
            first.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "Teardown[" + sandboxId + ", " + failure.getSuppressed().length + " failed]";
    }
}
