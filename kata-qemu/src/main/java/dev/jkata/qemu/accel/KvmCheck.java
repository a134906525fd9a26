package dev.jkata.qemu.accel;

/**
 * Opens the KVM device and asks it whether it can create a VM. The host implementation uses
 * {@code open}/{@code ioctl}/{@code close} from libc; tests pass a lambda.
 */
@FunctionalInterface
public interface KvmCheck {
    /** Runs the check. Never throws: every failure becomes an unusable {@link KvmCheckResult}. */
    KvmCheckResult check();
}
