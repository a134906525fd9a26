package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A read-only NVDIMM mapped from a host file: the guest sees {@code /dev/pmem0} and, with DAX, reads the
 * image straight from the host's page cache (shared by every VM that maps the same file).
 * <pre>
 * -object memory-backend-file,id=mem-&lt;id&gt;,mem-path=&lt;image&gt;,size=&lt;bytes&gt;,share=on,readonly=on
 * -device nvdimm,id=&lt;id&gt;,memdev=mem-&lt;id&gt;,unarmed=on
 * </pre>
 * The machine needs {@code nvdimm=on} and memory hotplug room of at least the image size.
 *
 * @param id    the device id, e.g. {@code nv0}
 * @param image the host file, mapped shared and read-only
 * @param size  the image's size in bytes (QEMU wants the backend size to match the file)
 */
public record Nvdimm(String id, Path image, MemorySize size) implements QemuDevice {
    public Nvdimm {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(size, "size");
        if (size.isZero()) {
            throw new IllegalArgumentException("an nvdimm image must not be empty: " + image);
        }
    }

    @Override
    public List<String> args() {
        String mem = "mem-" + id;
        return List.of(
                "-object", "memory-backend-file,id=" + mem + ",mem-path=" + QemuDevice.escape(image.toString())
                        + ",size=" + size.toBytes() + ",share=on,readonly=on",
                "-device", "nvdimm,id=" + id + ",memdev=" + mem + ",unarmed=on");
    }
}
