package dev.jkata.qemu.device;

import java.util.List;
import java.util.Objects;

/**
 * {@code -machine q35[,nvdimm=on]}.
 *
 * @param type   the QEMU machine type name, e.g. {@code q35}
 * @param nvdimm whether the machine gets NVDIMM support (ACPI NFIT)
 */
public record Machine(String type, boolean nvdimm) implements QemuDevice {
    public Machine {
        Objects.requireNonNull(type, "type");
    }

    @Override
    public List<String> args() {
        return List.of("-machine", type + (nvdimm ? ",nvdimm=on" : ""));
    }
}
