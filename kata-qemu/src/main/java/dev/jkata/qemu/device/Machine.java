package dev.jkata.qemu.device;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@code -machine q35[,nvdimm=on][,memory-backend=ram0]}.
 *
 * @param type          the QEMU machine type name, e.g. {@code q35}
 * @param features      the options the VM's devices need ({@link QemuDevice#machineFeatures()}), rendered in
 *                      {@link MachineFeature} order
 * @param memoryBackend the id of the object holding the guest's RAM ({@link FileBackedRam}), or empty for QEMU's own
 */
public record Machine(String type, Set<MachineFeature> features, Optional<String> memoryBackend) implements QemuDevice {
    public Machine {
        Objects.requireNonNull(type, "type");
        features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
        Objects.requireNonNull(memoryBackend, "memoryBackend");
    }

    /** A machine with no extra options and QEMU's own RAM. */
    public Machine(String type) {
        this(type, Set.of(), Optional.empty());
    }

    @Override
    public List<String> args() {
        StringBuilder s = new StringBuilder(type);
        for (MachineFeature f : MachineFeature.values()) {
            if (features.contains(f)) {
                s.append(',').append(f.option());
            }
        }
        memoryBackend.ifPresent(id -> s.append(",memory-backend=").append(id));
        return List.of("-machine", s.toString());
    }
}
