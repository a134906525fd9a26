package dev.jkata.qemu.accel;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;

/** KVM was demanded ({@link Accelerator#KVM}) on a host where it cannot boot a stock guest. */
public class AcceleratorUnavailableException extends KataException {
    private static final long serialVersionUID = 1L;

    private final String why;

    public AcceleratorUnavailableException(Accelerator requested, String why) {
        super(KataErrorReason.ACCELERATOR_UNAVAILABLE,
                requested + " was requested but cannot be used on this host: " + why
                        + " (use accelerator AUTO or TCG to run under software emulation)");
        this.why = why;
    }

    /** Why the accelerator cannot be used, without the advice. */
    public String why() { return why; }
}
