package dev.jkata.qemu.device;

import java.util.List;

/**
 * The options every jkata VM runs with: {@code -nodefaults -no-user-config -nographic -no-reboot}.
 * No default devices (no NIC, VGA, option ROMs), no host config files, no display, and a guest reboot ends
 * QEMU instead of rebooting (a guest panic with {@code panic=N} then ends the VM).
 */
public record BaseOptions() implements QemuDevice {
    @Override
    public List<String> args() {
        return List.of("-nodefaults", "-no-user-config", "-nographic", "-no-reboot");
    }
}
