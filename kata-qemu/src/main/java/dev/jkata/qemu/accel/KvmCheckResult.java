package dev.jkata.qemu.accel;

import java.util.Objects;

/**
 * The outcome of talking to {@code /dev/kvm}.
 *
 * @param usable whether the API version was 12 and {@code KVM_CREATE_VM} succeeded
 * @param detail what happened, e.g. {@code "open /dev/kvm failed: errno 13 (Permission denied)"}
 */
public record KvmCheckResult(boolean usable, String detail) {
    public KvmCheckResult {
        Objects.requireNonNull(detail, "detail");
    }

    public static KvmCheckResult usable(String detail) { return new KvmCheckResult(true, detail); }

    public static KvmCheckResult unusable(String detail) { return new KvmCheckResult(false, detail); }
}
