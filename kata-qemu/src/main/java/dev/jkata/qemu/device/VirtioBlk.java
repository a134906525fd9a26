package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A raw disk image file the guest sees as a virtio-blk disk ({@code /dev/vdX}):
 * <pre>
 * -blockdev node-name=&lt;id&gt;,driver=raw,discard=unmap,cache.no-flush=on,file.driver=file,file.filename=&lt;file&gt;
 * -device virtio-blk-pci,id=&lt;id&gt;-dev,drive=&lt;id&gt;,serial=&lt;serial&gt;
 * </pre>
 * For a scratch disk that dies with its VM: the guest's discards punch holes in the file ({@code discard=unmap}),
 * so a sparse file stays as small as what is stored, and its flushes are not passed to the host's disk
 * ({@code cache.no-flush=on}): nothing on it outlives the VM, so paying for durability would buy nothing. A missing
 * file fails naming {@code disk}.
 *
 * @param id     the block node id
 * @param file   the image, a regular file the QEMU process can read and write
 * @param serial what the guest reads in {@code /sys/block/vdX/serial}: 1 to 20 letters, digits, '-', '_'
 */
public record VirtioBlk(String id, Path file, String serial) implements QemuDevice {
    private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_-]{1,20}");

    public VirtioBlk {
        DeviceIds.require(id, "id");
        file = Objects.requireNonNull(file, "file").toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new InvalidQemuConfigException("disk", file + " is not a regular file");
        }
        if (serial == null || !SERIAL.matcher(serial).matches()) {
            throw new InvalidQemuConfigException("disk", "serial '" + serial + "' is not 1 to 20 letters, digits, '-', '_'");
        }
    }

    @Override
    public List<String> args() {
        return List.of(
                "-blockdev", "node-name=" + id + ",driver=raw,discard=unmap,cache.no-flush=on,file.driver=file,file.filename="
                        + QemuDevice.escape(file.toString()),
                "-device", "virtio-blk-pci,id=" + id + "-dev,drive=" + id + ",serial=" + serial);
    }
}
