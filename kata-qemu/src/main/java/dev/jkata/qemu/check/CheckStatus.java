package dev.jkata.qemu.check;

/** The verdict of one check. */
public enum CheckStatus {
    /** Fine. */
    OK,
    /** Works, but slower or with a feature missing (e.g. TCG instead of KVM). */
    WARN,
    /** jkata cannot run VMs until this is fixed. */
    FAIL
}
