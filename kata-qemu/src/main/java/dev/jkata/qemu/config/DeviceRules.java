package dev.jkata.qemu.config;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import dev.jkata.qemu.device.HotplugRoom;
import dev.jkata.qemu.device.MachineFeature;
import dev.jkata.qemu.device.Memory;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.QemuDevice;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules between a VM's devices and its machine: each device checks itself, these check them together. */
final class DeviceRules {
    private DeviceRules() {
    }

    /** The hotplug room the devices take together. */
    static HotplugRoom room(List<QemuDevice> devices) {
        HotplugRoom r = HotplugRoom.NONE;
        for (QemuDevice d : devices) {
            r = r.plus(d.hotplugRoom());
        }
        return r;
    }

    /**
     * Checks that the machine has every feature the devices need, that the memory has the hotplug slots and
     * {@code maxmem} the devices take, and that no two 9p shares have one mount tag.
     *
     * @throws InvalidQemuConfigException naming {@code machine}, {@code memorySlots}, {@code maxMemory} or
     *                                       {@code sharedDirs}
     */
    static void validate(MachineType machine, Memory memory, List<QemuDevice> devices) {
        for (QemuDevice d : devices) {
            for (MachineFeature f : d.machineFeatures()) {
                require(machine.supports(f), "machine", "machine " + machine.qemuName() + " does not support "
                        + f.option() + ", which " + d + " needs");
            }
        }
        HotplugRoom need = room(devices);
        HotplugRoom have = memory.room();
        require(have.slots() >= need.slots(), "memorySlots", "the memory devices take " + need.slots()
                + " hotplug slot(s); set memorySlots to at least " + need.slots() + ", was " + memory.slots());
        if (have.memory().compareTo(need.memory()) < 0) {
            MemorySize size = memory.size();
            throw new InvalidQemuConfigException("maxMemory", "maxMemory " + memory.maxMemory() + " leaves "
                    + have.memory() + " above memory " + size + ", less than the " + need.memory()
                    + " the memory devices take (each rounded up to its alignment); raise maxMemory to at least "
                    + size.plus(need.memory()));
        }
        Set<String> tags = new HashSet<>();
        for (QemuDevice d : devices) {
            if (d instanceof NinePShare s) {
                require(tags.add(s.mountTag()), "sharedDirs", "mount tag '" + s.mountTag() + "' is used twice");
            }
        }
    }

    private static void require(boolean ok, String field, String problem) {
        if (!ok) {
            throw new InvalidQemuConfigException(field, problem);
        }
    }
}
