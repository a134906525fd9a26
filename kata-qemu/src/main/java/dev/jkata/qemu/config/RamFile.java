package dev.jkata.qemu.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Guest RAM kept in a host file (see {@link dev.jkata.qemu.device.FileBackedRam}).
 *
 * @param path   the file; created by QEMU for a shared mapping, read (never written) through a private one
 * @param shared true for a template (the guest's writes land in the file), false for a clone (copy-on-write)
 */
public record RamFile(Path path, boolean shared) {
    public RamFile {
        path = Objects.requireNonNull(path, "path").toAbsolutePath();
    }

    /** A template's RAM: written through to {@code path}. */
    public static RamFile template(Path path) {
        return new RamFile(path, true);
    }

    /** A clone's RAM: {@code path} mapped copy-on-write. */
    public static RamFile clone(Path path) {
        return new RamFile(path, false);
    }
}
