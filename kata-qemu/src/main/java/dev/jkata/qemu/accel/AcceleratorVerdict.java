package dev.jkata.qemu.accel;

import java.util.Objects;

/**
 * What a VM will run with and why, in words a user can act on.
 *
 * @param accelerator the accelerator chosen
 * @param reason      a human sentence: why this one (and, for TCG, why not KVM)
 */
public record AcceleratorVerdict(ResolvedAccelerator accelerator, String reason) {
    public AcceleratorVerdict {
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(reason, "reason");
    }

    public static AcceleratorVerdict kvm(String reason) { return new AcceleratorVerdict(ResolvedAccelerator.KVM, reason); }

    public static AcceleratorVerdict tcg(String reason) { return new AcceleratorVerdict(ResolvedAccelerator.TCG, reason); }

    public boolean isKvm() { return accelerator == ResolvedAccelerator.KVM; }
}
