package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A read-only NVDIMM mapped from a host file: the guest sees {@code /dev/pmem0} and, with DAX, reads the
 * image straight from the host's page cache (shared by every VM that maps the same file).
 * <pre>
 * -object memory-backend-file,id=mem-&lt;id&gt;,mem-path=&lt;image&gt;,size=&lt;bytes&gt;,share=on,readonly=on
 * -device nvdimm,id=&lt;id&gt;,memdev=mem-&lt;id&gt;,unarmed=on
 * </pre>
 * It needs the machine's {@code nvdimm=on} and takes one hotplug slot and its size rounded up to
 * {@link #ALIGNMENT} of {@code maxmem}; the config checks both. A bad image fails naming {@code nvdimmImage}.
 *
 * @param id    the device id, e.g. {@code nv0}
 * @param image the host file, a readable regular file, mapped shared and read-only
 * @param size  the image's size in bytes (QEMU wants the backend size to match the file)
 */
public record Nvdimm(String id, Path image, MemorySize size) implements QemuDevice {
    /** Memory hotplug room is reserved in steps of this alignment. */
    public static final MemorySize ALIGNMENT = MemorySize.ofMiB(2);

    public Nvdimm {
        DeviceIds.require(id, "id");
        image = HostFiles.requireReadable(image, "nvdimmImage");
        Objects.requireNonNull(size, "size");
        if (size.isZero()) {
            throw new InvalidQemuConfigException("nvdimmImage", image + " is empty");
        }
    }

    /** The image at {@code image}, its size read now. */
    public static Nvdimm of(String id, Path image) {
        return new Nvdimm(id, image, MemorySize.ofBytes(HostFiles.readableSize(image, "nvdimmImage")));
    }

    /** The image size rounded up to {@link #ALIGNMENT}: what the image takes out of {@code maxmem}. */
    public MemorySize alignedSize() {
        long a = ALIGNMENT.toBytes();
        return MemorySize.ofBytes((size.toBytes() + a - 1) / a * a);
    }

    @Override
    public HotplugRoom hotplugRoom() {
        return new HotplugRoom(1, alignedSize());
    }

    @Override
    public Set<MachineFeature> machineFeatures() {
        return Set.of(MachineFeature.NVDIMM);
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
