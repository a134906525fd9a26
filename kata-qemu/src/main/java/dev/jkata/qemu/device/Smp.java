package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.List;

/** {@code -smp <cpus>}: the number of virtual CPUs, 1 to {@value #MAX_CPUS}; a failure names {@code cpus}. */
public record Smp(int cpus) implements QemuDevice {
    /** The most virtual CPUs a VM gets (the i440FX limit; Q35 takes more, no sandbox needs them). */
    public static final int MAX_CPUS = 255;

    public Smp {
        if (cpus < 1) {
            throw new InvalidQemuConfigException("cpus", "must be positive, was " + cpus);
        }
        if (cpus > MAX_CPUS) {
            throw new InvalidQemuConfigException("cpus", "must be at most " + MAX_CPUS + ", was " + cpus);
        }
    }

    @Override
    public List<String> args() {
        return List.of("-smp", Integer.toString(cpus));
    }
}
