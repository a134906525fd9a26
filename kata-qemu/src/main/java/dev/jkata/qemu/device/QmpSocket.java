package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** {@code -qmp unix:<socket>,server=on,wait=off}: the QEMU machine protocol on a UNIX socket QEMU listens on. */
public record QmpSocket(Path socket) implements QemuDevice {
    public QmpSocket {
        Objects.requireNonNull(socket, "socket");
    }

    @Override
    public List<String> args() {
        return List.of("-qmp", "unix:" + QemuDevice.escape(socket.toString()) + ",server=on,wait=off");
    }
}
