package dev.jkata.qemu.device;

import java.util.List;

/**
 * {@code -device virtio-balloon-pci,id=<id>,free-page-reporting=on|off}. With free page reporting the guest's
 * virtio_balloon driver tells QEMU which RAM it has freed (in 2 MiB blocks, a few seconds after), and QEMU gives
 * those pages back to the host; without it, RAM a guest once touched stays resident in QEMU. The balloon is never
 * inflated: it takes nothing from the guest.
 *
 * @param id                the device id
 * @param freePageReporting whether the guest reports freed pages
 */
public record VirtioBalloon(String id, boolean freePageReporting) implements QemuDevice {
    public VirtioBalloon {
        DeviceIds.require(id, "id");
    }

    /** A balloon with free page reporting on. */
    public static VirtioBalloon reportingFreePages() {
        return new VirtioBalloon("balloon0", true);
    }

    @Override
    public List<String> args() {
        return List.of("-device", "virtio-balloon-pci,id=" + id + ",free-page-reporting=" + (freePageReporting ? "on" : "off"));
    }
}
