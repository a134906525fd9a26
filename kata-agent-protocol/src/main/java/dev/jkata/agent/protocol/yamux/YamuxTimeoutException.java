package dev.jkata.agent.protocol.yamux;

import java.time.Duration;
import java.util.Objects;

/** A yamux read, write or ping did not finish within its deadline; {@link #timeout()} says which deadline. */
public class YamuxTimeoutException extends YamuxException {
    private static final long serialVersionUID = 1L;

    private final Duration timeout;

    public YamuxTimeoutException(String message, Duration timeout) {
        super(message + " (deadline " + timeout + ")");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The deadline that passed. */
    public Duration timeout() { return timeout; }
}
