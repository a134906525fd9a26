package dev.jkata.qemu.migration;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;

/**
 * A device state could not be saved or loaded: QEMU refused the migration (a mounted 9p share blocks it), reported
 * it failed, exited, or did not finish within the deadline; or the state file is bigger than any VM of ours writes.
 * Reason {@link KataErrorReason#HYPERVISOR_FAILED}.
 */
public class DeviceStateException extends KataException {
    private static final long serialVersionUID = 1L;

    public DeviceStateException(String message) {
        super(KataErrorReason.HYPERVISOR_FAILED, message);
    }

    public DeviceStateException(String message, Throwable cause) {
        super(KataErrorReason.HYPERVISOR_FAILED, message, cause);
    }
}
