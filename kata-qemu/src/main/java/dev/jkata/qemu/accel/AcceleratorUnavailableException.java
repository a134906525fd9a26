package dev.jkata.qemu.accel;

import dev.jkata.api.Accelerator;
import dev.jkata.qemu.errors.QemuException;

/** KVM was demanded ({@link Accelerator#KVM}) on a host where it cannot boot a stock guest. */
public class AcceleratorUnavailableException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final String why;

    public AcceleratorUnavailableException(Accelerator requested, String why) {
        super(requested.name() + " was requested but cannot be used on this host: " + why
                + " (use accelerator AUTO or TCG to run under software emulation)", null);
        this.why = why;
    }

    /** Why the accelerator cannot be used, without the advice. */
    public String why() { return why; }
}
