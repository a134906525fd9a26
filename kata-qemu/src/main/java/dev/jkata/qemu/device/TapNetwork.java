package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A virtio-net device on an existing tap device of QEMU's network namespace:
 * <pre>
 * -netdev tap,id=&lt;id&gt;,ifname=&lt;tap&gt;,script=no,downscript=no,vhost=off
 * -device virtio-net-pci,netdev=&lt;id&gt;,mac=&lt;mac&gt;,romfile=
 * </pre>
 * The tap is made beforehand, owned by QEMU's user, so that QEMU attaches to it without any capability (it runs
 * with none); no scripts run, no vhost (no /dev/vhost-net needed), no boot ROM.
 *
 * @param id      the netdev id
 * @param tapName the tap device's name, as the kernel allows it (1 to 15 of letters, digits, '_', '-', '.')
 * @param mac     the guest interface's MAC address (six lower-case hex pairs joined by ':')
 */
public record TapNetwork(String id, String tapName, String mac) implements QemuDevice {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    public TapNetwork {
        DeviceIds.require(id, "id");
        if (tapName == null || !IFNAME.matcher(tapName).matches()) {
            throw new InvalidQemuConfigException("network", "'" + tapName + "' is not a network device name (1 to 15 of"
                    + " letters, digits, '_', '-', '.')");
        }
        if (mac == null || !MAC.matcher(mac).matches()) {
            throw new InvalidQemuConfigException("network", "a MAC address is six lower-case hex pairs joined by ':', not " + mac);
        }
    }

    @Override
    public List<String> args() {
        return List.of(
                "-netdev", "tap,id=" + id + ",ifname=" + tapName + ",script=no,downscript=no,vhost=off",
                "-device", "virtio-net-pci,netdev=" + id + ",mac=" + mac + ",romfile=");
    }
}
