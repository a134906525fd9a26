package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The first serial port written to a host file: {@code -chardev file,id=<id>,path=<log> -serial chardev:<id>}.
 * The guest kernel writes to it with {@code console=ttyS0}. QEMU appends ({@code append=on}), so whoever follows the
 * log may truncate it to bound the disk a chatty guest can fill.
 */
public record SerialConsole(String id, Path logFile) implements QemuDevice {
    public SerialConsole {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(logFile, "logFile");
    }

    @Override
    public List<String> args() {
        return List.of(
                "-chardev", "file,id=" + id + ",path=" + QemuDevice.escape(logFile.toString()) + ",append=on",
                "-serial", "chardev:" + id);
    }
}
