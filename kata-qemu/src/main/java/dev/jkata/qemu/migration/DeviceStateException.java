package dev.jkata.qemu.migration;

import dev.jkata.qemu.errors.QemuException;

/**
 * A device state could not be saved or loaded: QEMU refused the migration (a mounted 9p share blocks it), reported
 * it failed, exited, or did not finish within the deadline; or the state file is bigger than any VM of ours writes.
 */
public class DeviceStateException extends QemuException {
    private static final long serialVersionUID = 1L;

    public DeviceStateException(String message) {
        super(message, null);
    }

    public DeviceStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
