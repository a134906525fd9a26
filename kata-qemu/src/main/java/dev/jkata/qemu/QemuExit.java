package dev.jkata.qemu;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a QEMU process ended.
 *
 * @param pid            QEMU's pid
 * @param exitCode       its exit code; 128 + n when killed by signal n (137 after SIGKILL)
 * @param requested      whether {@link QemuVm#stop(Duration)} or {@link QemuVm#close()} asked for the exit before it
 *                       happened
 * @param shutdownReason the reason of QEMU's last {@code SHUTDOWN} event ({@code guest-shutdown},
 *                       {@code guest-reset}, {@code host-qmp-quit}, ...), when one arrived
 * @param guestPanicked  whether QEMU reported {@code GUEST_PANICKED}
 * @param stderrTail     the last lines QEMU wrote to stderr
 * @param consoleTail    the last lines of the guest's serial console
 * @param uptime         from launch to exit
 */
public record QemuExit(long pid, int exitCode, boolean requested, Optional<String> shutdownReason, boolean guestPanicked,
                       List<String> stderrTail, List<String> consoleTail, Duration uptime) {
    public QemuExit {
        Objects.requireNonNull(shutdownReason, "shutdownReason");
        stderrTail = List.copyOf(stderrTail);
        consoleTail = List.copyOf(consoleTail);
        Objects.requireNonNull(uptime, "uptime");
    }

    /** Whether QEMU ended without being asked to: the guest powered off or reset, QEMU crashed or was killed. */
    public boolean unexpected() {
        return !requested;
    }

    /**
     * Whether the VM failed: it ended unexpectedly, exited non-zero (e.g. it had to be killed), or the guest
     * panicked. A failed VM's console log is kept.
     */
    public boolean failed() {
        return !requested || exitCode != 0 || guestPanicked;
    }

    /** A one-line summary for logs. */
    public String summary() {
        return "QEMU pid " + pid + " exited with code " + exitCode
                + (requested ? " as requested" : " unexpectedly")
                + shutdownReason.map(r -> " (shutdown reason " + r + ")").orElse("")
                + (guestPanicked ? ", guest panicked" : "")
                + " after " + uptime.toMillis() + " ms";
    }
}
