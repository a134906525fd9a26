package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** {@code -pidfile <file>}: QEMU writes its pid there, so a later sweep can find a VM whose owner died. */
public record PidFile(Path file) implements QemuDevice {
    public PidFile {
        Objects.requireNonNull(file, "file");
    }

    @Override
    public List<String> args() {
        return List.of("-pidfile", file.toString());
    }
}
