package dev.jkata.qemu.errors;

import java.time.Duration;
import java.util.Objects;

/** A deadline passed waiting on QEMU. The message names what QEMU did not do, with the deadline. */
public class QemuTimeoutException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final Duration timeout;

    public QemuTimeoutException(String what, Duration timeout) {
        super(what + " (deadline " + timeout + ")", null);
        this.what = what;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** What did not happen in time, without the deadline. */
    public String what() { return what; }

    /** The deadline that passed. */
    public Duration timeout() { return timeout; }
}
