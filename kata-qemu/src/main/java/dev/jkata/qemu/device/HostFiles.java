package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of the host files a device or config hands QEMU; a failure names the config field at fault. */
public final class HostFiles {
    private HostFiles() {
    }

    /** {@code file} made absolute (QEMU runs in the run directory), once it is a readable regular file. */
    public static Path requireReadable(Path file, String field) {
        if (file == null) {
            throw new InvalidQemuConfigException(field, "is required");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidQemuConfigException(field, file + " does not exist or is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new InvalidQemuConfigException(field, file + " is not readable");
        }
        return file.toAbsolutePath();
    }

    /** The size of a file that must exist and be readable. */
    public static long readableSize(Path file, String field) {
        Path f = requireReadable(file, field);
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new InvalidQemuConfigException(field, "cannot read the size of " + file + ": " + e);
        }
    }
}
