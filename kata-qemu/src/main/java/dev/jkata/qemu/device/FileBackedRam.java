package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The guest's RAM on a host file instead of anonymous memory, as VM templates need it:
 * {@code -object memory-backend-file,id=ram0,mem-path=<file>,size=<n>M,share=on|off}, with the machine's
 * {@code memory-backend=ram0} ({@link Machine}).
 * <ul>
 *   <li>shared: every write the guest makes lands in the file, which is how a template's RAM is saved without
 *       copying it (migration with {@code x-ignore-shared} skips shared RAM);</li>
 *   <li>private: the file is mapped copy-on-write, so a clone starts with the template's memory and what it writes
 *       stays its own; clones of one template share every page neither has written.</li>
 * </ul>
 *
 * @param id     the backend's object id
 * @param file   the host file, at least {@code size} long for a private mapping
 * @param size   the guest's boot RAM, whole MiB
 * @param shared whether the mapping is shared (a template) or private (a clone)
 */
public record FileBackedRam(String id, Path file, MemorySize size, boolean shared) implements QemuDevice {
    public FileBackedRam {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(size, "size");
        if (size.isZero() || size.toBytes() % (1L << 20) != 0) {
            throw new IllegalArgumentException("RAM must be a positive whole number of MiB: " + size);
        }
    }

    @Override
    public List<String> args() {
        return List.of("-object", "memory-backend-file,id=" + id + ",mem-path=" + QemuDevice.escape(file.toString())
                + ",size=" + size.toMiB() + "M,share=" + (shared ? "on" : "off"));
    }
}
