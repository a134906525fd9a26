package dev.jkata.qemu.device;

import java.util.List;
import java.util.regex.Pattern;

/**
 * User-mode networking (slirp) on a virtio-net device: the guest's traffic leaves through QEMU's own sockets, so
 * the guest reaches what the QEMU process reaches, and nothing reaches the guest unless forwarded.
 * <pre>
 * -netdev user,id=&lt;id&gt;,net=10.0.2.0/24,host=10.0.2.2,dns=10.0.2.3,ipv6=off,restrict=off
 * -device virtio-net-pci,netdev=&lt;id&gt;,mac=&lt;mac&gt;,romfile=
 * </pre>
 * slirp maps {@value #GATEWAY} to the host's own loopback and answers DNS on {@value #DNS}. No IPv6, no boot ROM.
 *
 * @param id  the netdev id
 * @param mac the guest interface's MAC address, which UpdateInterface finds it by
 */
public record UserNetwork(String id, String mac) implements QemuDevice {
    /** The guest's address. */
    public static final String GUEST = "10.0.2.15";
    /** The prefix length of the guest's network. */
    public static final int PREFIX = 24;
    /** The gateway: the host, whose loopback it stands for. */
    public static final String GATEWAY = "10.0.2.2";
    /** slirp's resolver, which asks the host's. */
    public static final String DNS = "10.0.2.3";

    private static final Pattern MAC = Pattern.compile("([0-9a-f]{2}:){5}[0-9a-f]{2}");

    public UserNetwork {
        DeviceIds.require(id, "id");
        if (mac == null || !MAC.matcher(mac).matches()) {
            throw new IllegalArgumentException("a MAC address is six lower-case hex pairs joined by ':', not " + mac);
        }
    }

    @Override
    public List<String> args() {
        return List.of(
                "-netdev", "user,id=" + id + ",net=10.0.2.0/" + PREFIX + ",host=" + GATEWAY + ",dns=" + DNS
                        + ",ipv6=off,restrict=off",
                "-device", "virtio-net-pci,netdev=" + id + ",mac=" + mac + ",romfile=");
    }
}
