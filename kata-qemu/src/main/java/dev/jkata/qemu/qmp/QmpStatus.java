package dev.jkata.qemu.qmp;

import java.util.Objects;

/**
 * The answer to {@code query-status}.
 *
 * @param status  QEMU's run state, e.g. {@code running}, {@code paused}, {@code shutdown}, {@code guest-panicked}
 * @param running whether the guest's CPUs are running
 */
public record QmpStatus(String status, boolean running) {
    public QmpStatus {
        Objects.requireNonNull(status, "status");
    }
}
