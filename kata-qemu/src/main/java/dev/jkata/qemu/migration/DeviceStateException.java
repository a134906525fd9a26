package dev.jkata.qemu.migration;

import dev.jkata.qemu.errors.QemuException;

/**
 * A device state could not be saved or loaded: QEMU refused the migration (a mounted 9p share blocks it), reported
 * it failed, exited, or did not finish within the deadline; or the state file is bigger than any VM of ours writes.
 */
public class DeviceStateException extends QemuException {
    private static final long serialVersionUID = 1L;

    /** Whose the failure is: a restore that QEMU rejected says the state is bad; the others say nothing of it. */
    public enum Kind {
        /** QEMU refused or failed the state itself (migration {@code failed}, exited on loading it, an oversized file). */
        REJECTED,
        /** It did not finish within the deadline (a loaded host). */
        TIMED_OUT,
        /** The waiting thread was interrupted (a cancelled start). */
        INTERRUPTED,
        /** Anything else: QEMU died (perhaps killed), the socket or file failed. */
        FAILED
    }

    private final Kind kind;

    public DeviceStateException(String message) {
        this(Kind.FAILED, message, null);
    }

    public DeviceStateException(String message, Throwable cause) {
        this(Kind.FAILED, message, cause);
    }

    public DeviceStateException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
