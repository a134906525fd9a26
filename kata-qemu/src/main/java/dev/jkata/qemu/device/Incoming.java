package dev.jkata.qemu.device;

import java.util.List;

/**
 * {@code -incoming defer}: QEMU starts with the guest's CPUs stopped and waits for {@code migrate-incoming} to say
 * where the device state comes from; a VM template's clone starts this way.
 */
public record Incoming() implements QemuDevice {
    @Override
    public List<String> args() {
        return List.of("-incoming", "defer");
    }
}
