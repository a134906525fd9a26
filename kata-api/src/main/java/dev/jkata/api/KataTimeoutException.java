package dev.jkata.api;

import java.time.Duration;

/** A deadline passed. The operation that timed out is named in the message, with the deadline. */
public class KataTimeoutException extends KataException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    public KataTimeoutException(String message, Duration timeout) {
        this(message, timeout, null);
    }

    public KataTimeoutException(String message, Duration timeout, Throwable cause) {
        this(KataErrorSource.GUEST, message, timeout, cause);
    }

    /** A deadline that passed waiting on {@code source} (the agent, the hypervisor, a registry's host). */
    public KataTimeoutException(KataErrorSource source, String message, Duration timeout, Throwable cause) {
        super(KataErrorReason.TIMEOUT, KataErrorCode.DEADLINE_EXCEEDED, source, message + " (deadline " + timeout + ")",
                null, cause);
        this.timeout = timeout;
    }

    public Duration timeout() { return timeout; }
}
