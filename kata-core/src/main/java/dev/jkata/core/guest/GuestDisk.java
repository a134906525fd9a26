package dev.jkata.core.guest;

import dev.jkata.api.MemorySize;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A raw disk image the guest sees as a block device: the sandbox's scratch disk. The launcher attaches it and says
 * where the guest finds it ({@link Guest#diskDevice()}); the file's content (a file system) is the caller's.
 *
 * @param file the image on the host, absolute, a regular file of {@code size} bytes (sparse)
 * @param size its size: a guest cloned from a template must see the size its template saw
 */
public record GuestDisk(Path file, MemorySize size) {
    public GuestDisk {
        file = Objects.requireNonNull(file, "file").toAbsolutePath();
        Objects.requireNonNull(size, "size");
    }
}
