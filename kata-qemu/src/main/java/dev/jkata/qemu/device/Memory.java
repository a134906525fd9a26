package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.List;

/**
 * {@code -m 512M} or, with hotplug room, {@code -m 512M,slots=2,maxmem=2048M}. Sizes are whole MiB. A failure names
 * the config property at fault: {@code memory}, {@code memorySlots} or {@code maxMemory}.
 *
 * @param size      boot RAM
 * @param slots     hotplug slots, 0 (no hotplug) to {@value #MAX_SLOTS}
 * @param maxMemory the ceiling of RAM plus hotplugged memory; equal to {@code size} when {@code slots} is 0
 */
public record Memory(MemorySize size, int slots, MemorySize maxMemory) implements QemuDevice {
    /** The most hotplug slots QEMU accepts. */
    public static final int MAX_SLOTS = 255;
    private static final long MIB = 1L << 20;

    public Memory {
        requireWholeMiB(size, "memory");
        requireWholeMiB(maxMemory, "maxMemory");
        require(slots >= 0 && slots <= MAX_SLOTS, "memorySlots", "must be 0 to " + MAX_SLOTS + ", was " + slots);
        require(maxMemory.compareTo(size) >= 0, "maxMemory", maxMemory + " is below memory " + size);
        if (slots == 0) {
            require(maxMemory.equals(size), "memorySlots", "maxMemory " + maxMemory + " above memory " + size
                    + " needs at least one hotplug slot");
        } else {
            require(maxMemory.compareTo(size) > 0, "maxMemory", slots + " hotplug slots need maxMemory above memory "
                    + size + ", was " + maxMemory);
        }
    }

    /** Fixed RAM, no hotplug. */
    public static Memory of(MemorySize size) {
        return new Memory(size, 0, size);
    }

    /** The hotplug room above boot RAM. */
    public HotplugRoom room() {
        return new HotplugRoom(slots, MemorySize.ofBytes(maxMemory.toBytes() - size.toBytes()));
    }

    private static void requireWholeMiB(MemorySize m, String field) {
        require(m != null, field, "is required");
        require(!m.isZero(), field, "must be positive, was " + m);
        require(m.toBytes() % MIB == 0, field, "must be a whole number of MiB, was " + m.toBytes() + " bytes");
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidQemuConfigException(field, problem);
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
