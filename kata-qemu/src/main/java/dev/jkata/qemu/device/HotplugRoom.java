package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.Objects;

/**
 * Memory hotplug room a device takes: slots of {@code -m ...,slots=} and bytes of {@code maxmem} above boot RAM.
 * An {@link Nvdimm} takes one slot and its image size rounded up to {@link Nvdimm#ALIGNMENT}.
 *
 * @param slots  hotplug slots, not negative
 * @param memory bytes of {@code maxmem} above boot RAM
 */
public record HotplugRoom(int slots, MemorySize memory) {
    /** What a device that is not a memory device takes. */
    public static final HotplugRoom NONE = new HotplugRoom(0, MemorySize.ofBytes(0));

    public HotplugRoom {
        Objects.requireNonNull(memory, "memory");
        if (slots < 0) {
            throw new InvalidQemuConfigException("memorySlots", "a device cannot take " + slots + " hotplug slots");
        }
    }

    /** Whether this takes any room: a memory device's does. */
    public boolean isNone() {
        return slots == 0 && memory.isZero();
    }

    /** This room and {@code other} together. */
    public HotplugRoom plus(HotplugRoom other) {
        return new HotplugRoom(slots + other.slots, memory.plus(other.memory));
    }
}
