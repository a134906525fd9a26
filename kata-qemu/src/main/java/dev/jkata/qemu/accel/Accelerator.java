package dev.jkata.qemu.accel;

/** The accelerator a caller asks for. {@link #AUTO} lets {@link AcceleratorProbe} decide. */
public enum Accelerator {
    /** KVM when the host can boot a stock guest with it, TCG otherwise. */
    AUTO,
    /** KVM or fail: launching fails fast with {@link AcceleratorUnavailableException} where KVM cannot work. */
    KVM,
    /** QEMU's software emulation; works everywhere, slower. */
    TCG
}
