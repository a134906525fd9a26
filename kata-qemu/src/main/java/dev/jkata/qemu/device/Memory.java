package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import java.util.List;
import java.util.Objects;

/**
 * {@code -m 512M} or, with hotplug room, {@code -m 512M,slots=2,maxmem=2048M}. Sizes are whole MiB.
 *
 * @param size      boot RAM
 * @param slots     hotplug slots (0 = no hotplug)
 * @param maxMemory the ceiling of RAM plus hotplugged memory; equal to {@code size} when {@code slots} is 0
 */
public record Memory(MemorySize size, int slots, MemorySize maxMemory) implements QemuDevice {
    public Memory {
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(maxMemory, "maxMemory");
        requireWholeMiB(size, "size");
        requireWholeMiB(maxMemory, "maxMemory");
        if (slots < 0) {
            throw new IllegalArgumentException("slots must not be negative: " + slots);
        }
        if (slots == 0 && !maxMemory.equals(size)) {
            throw new IllegalArgumentException("maxMemory needs hotplug slots");
        }
        if (slots > 0 && maxMemory.compareTo(size) <= 0) {
            throw new IllegalArgumentException("slots need maxMemory above size");
        }
    }

    /** Fixed RAM, no hotplug. */
    public static Memory of(MemorySize size) {
        return new Memory(size, 0, size);
    }

    private static void requireWholeMiB(MemorySize m, String what) {
        if (m.isZero() || m.toBytes() % (1L << 20) != 0) {
            throw new IllegalArgumentException(what + " must be a positive whole number of MiB: " + m);
        }
    }

    @Override
    public List<String> args() {
        String s = size.toMiB() + "M";
        if (slots > 0) {
            s += ",slots=" + slots + ",maxmem=" + maxMemory.toMiB() + "M";
        }
        return List.of("-m", s);
    }
}
