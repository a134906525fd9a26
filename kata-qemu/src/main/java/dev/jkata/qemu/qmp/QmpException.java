package dev.jkata.qemu.qmp;

import dev.jkata.qemu.errors.QemuException;
import java.util.Optional;

/**
 * QMP failed: QEMU answered a command with an error ({@link #errorClass()} is QEMU's class, e.g.
 * {@code GenericError}, {@code DeviceNotFound}), or the connection broke (closed socket, malformed or oversized
 * message), in which case {@link #errorClass()} is empty. A reply that does not come in time is a
 * {@link dev.jkata.qemu.errors.QemuTimeoutException} instead.
 */
public class QmpException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final String errorClass;

    public QmpException(String message) {
        this(message, null, null);
    }

    public QmpException(String message, Throwable cause) {
        this(message, null, cause);
    }

    public QmpException(String message, String errorClass, Throwable cause) {
        super(message, cause);
        this.errorClass = errorClass;
    }

    /** QEMU's error class when QEMU answered with an error; empty when the connection itself failed. */
    public Optional<String> errorClass() { return Optional.ofNullable(errorClass); }

    /** Whether QEMU answered with an error reply (the connection is still usable). */
    public boolean isErrorReply() { return errorClass != null; }
}
