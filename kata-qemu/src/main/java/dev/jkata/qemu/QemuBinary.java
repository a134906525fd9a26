package dev.jkata.qemu;

import dev.jkata.qemu.errors.MissingHostToolException;
import java.nio.file.Path;
import java.util.Objects;

/** The {@code qemu-system-x86_64} executable. */
public record QemuBinary(Path path) {
    public static final String NAME = "qemu-system-x86_64";
    public static final String INSTALL = "sudo apt-get install -y qemu-system-x86";

    public QemuBinary {
        Objects.requireNonNull(path, "path");
    }

    /**
     * Finds {@value #NAME} on {@code PATH} or in {@code /usr/bin}.
     *
     * @throws MissingHostToolException naming the package that provides it
     */
    public static QemuBinary locate() {
        return HostExecutables.find(NAME).map(QemuBinary::new)
                .orElseThrow(() -> new MissingHostToolException(NAME, INSTALL));
    }
}
