package dev.jkata.qemu.config;

import dev.jkata.api.MemorySize;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A root filesystem image the guest sees as {@code /dev/pmem0}.
 *
 * @param path the image file on the host
 * @param size its size, read when the config was built
 */
public record NvdimmImage(Path path, MemorySize size) {
    /** Memory hotplug room is reserved in steps of this alignment. */
    public static final MemorySize ALIGNMENT = MemorySize.ofMiB(2);

    public NvdimmImage {
        path = Objects.requireNonNull(path, "path").toAbsolutePath();
        Objects.requireNonNull(size, "size");
    }

    /** The image size rounded up to {@link #ALIGNMENT}: what the image takes out of {@code maxmem}. */
    public MemorySize alignedSize() {
        long a = ALIGNMENT.toBytes();
        return MemorySize.ofBytes((size.toBytes() + a - 1) / a * a);
    }
}
