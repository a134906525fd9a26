package dev.jkata.qemu.device;

import java.util.List;

/** {@code -sandbox on}: QEMU's seccomp filter, for QEMU builds that support it (kata-check tells). */
public record Seccomp() implements QemuDevice {
    @Override
    public List<String> args() {
        return List.of("-sandbox", "on");
    }
}
