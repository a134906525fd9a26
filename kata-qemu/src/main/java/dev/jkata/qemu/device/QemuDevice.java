package dev.jkata.qemu.device;

import java.util.List;
import java.util.Set;

/**
 * One device or option group of a QEMU command line. Implementations are immutable, check their own values when
 * constructed (an {@link dev.jkata.qemu.errors.InvalidQemuConfigException} naming the field), and render the same
 * arguments every time. A device that needs something of the whole VM says so ({@link #hotplugRoom()},
 * {@link #machineFeatures()}); {@code QemuConfig} checks those needs against the machine.
 */
public interface QemuDevice {
    /** The arguments this device adds to QEMU's command line, in order, e.g. {@code ["-smp", "2"]}. */
    List<String> args();

    /** The memory hotplug room this device takes; none unless it is a memory device such as an {@link Nvdimm}. */
    default HotplugRoom hotplugRoom() {
        return HotplugRoom.NONE;
    }

    /** The {@code -machine} options this device needs; none by default. */
    default Set<MachineFeature> machineFeatures() {
        return Set.of();
    }

    /**
     * Escapes a value placed inside QEMU's {@code key=value,key=value} option syntax: a comma is written as
     * two commas.
     */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
