package dev.jkata.qemu.device;

import java.util.List;

/** {@code -device virtio-serial-pci,id=<id>}: the controller that {@link VirtioSerialPort}s plug into. */
public record VirtioSerialBus(String id) implements QemuDevice {
    public VirtioSerialBus {
        DeviceIds.require(id, "id");
    }

    @Override
    public List<String> args() {
        return List.of("-device", "virtio-serial-pci,id=" + id);
    }
}
