package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A named virtio-serial port backed by a UNIX socket on which QEMU listens (QEMU is the server and does not
 * wait for a client):
 * <pre>
 * -chardev socket,id=&lt;id&gt;,path=&lt;socket&gt;,server=on,wait=off
 * -device virtserialport,chardev=&lt;id&gt;,id=port-&lt;id&gt;,name=&lt;name&gt;
 * </pre>
 * The guest sees it as {@code /dev/virtio-ports/<name>}. Needs a {@link VirtioSerialBus}.
 *
 * @param id     the chardev id
 * @param socket the host socket path QEMU creates
 * @param name   the port name the guest sees, e.g. {@code agent.channel.0}
 */
public record VirtioSerialPort(String id, Path socket, String name) implements QemuDevice {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public VirtioSerialPort {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(socket, "socket");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a port name is 1 to 64 letters, digits, '.', '-', '_': " + name);
        }
    }

    @Override
    public List<String> args() {
        return List.of(
                "-chardev", "socket,id=" + id + ",path=" + QemuDevice.escape(socket.toString()) + ",server=on,wait=off",
                "-device", "virtserialport,chardev=" + id + ",id=port-" + id + ",name=" + name);
    }
}
