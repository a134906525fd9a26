package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The first serial port written to a host file: {@code -chardev file,id=<id>,path=<log> -serial chardev:<id>}.
 * The guest kernel writes to it with {@code console=ttyS0}. QEMU truncates the file when it opens it.
 */
public record SerialConsole(String id, Path logFile) implements QemuDevice {
    public SerialConsole {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(logFile, "logFile");
    }

    @Override
    public List<String> args() {
        return List.of(
                "-chardev", "file,id=" + id + ",path=" + QemuDevice.escape(logFile.toString()),
                "-serial", "chardev:" + id);
    }
}
