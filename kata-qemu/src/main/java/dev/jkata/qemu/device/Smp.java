package dev.jkata.qemu.device;

import java.util.List;

/** {@code -smp <cpus>}: the number of virtual CPUs. */
public record Smp(int cpus) implements QemuDevice {
    public Smp {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be positive: " + cpus);
        }
    }

    @Override
    public List<String> args() {
        return List.of("-smp", Integer.toString(cpus));
    }
}
