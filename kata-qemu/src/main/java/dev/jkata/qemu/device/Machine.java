package dev.jkata.qemu.device;

import java.util.List;
import java.util.Objects;

/**
 * {@code -machine q35[,nvdimm=on][,memory-backend=ram0]}.
 *
 * @param type          the QEMU machine type name, e.g. {@code q35}
 * @param nvdimm        whether the machine gets NVDIMM support (ACPI NFIT)
 * @param memoryBackend the id of the object holding the guest's RAM ({@link FileBackedRam}), or empty for QEMU's own
 */
public record Machine(String type, boolean nvdimm, java.util.Optional<String> memoryBackend) implements QemuDevice {
    public Machine {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(memoryBackend, "memoryBackend");
    }

    public Machine(String type, boolean nvdimm) {
        this(type, nvdimm, java.util.Optional.empty());
    }

    @Override
    public List<String> args() {
        return List.of("-machine", type + (nvdimm ? ",nvdimm=on" : "")
                + memoryBackend.map(id -> ",memory-backend=" + id).orElse(""));
    }
}
