package dev.jkata.qemu.accel;

/** The accelerator a VM actually runs with, after {@link dev.jkata.api.Accelerator#AUTO} has been decided. */
public enum ResolvedAccelerator {
    /** Hardware virtualisation through {@code /dev/kvm}. */
    KVM,
    /** QEMU's tiny code generator (software emulation). */
    TCG
}
