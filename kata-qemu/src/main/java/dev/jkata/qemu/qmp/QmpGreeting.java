package dev.jkata.qemu.qmp;

import java.util.List;
import java.util.Objects;

/**
 * What QEMU says when a QMP client connects.
 *
 * @param version      QEMU's version, {@code major.minor.micro}
 * @param packageName  the distribution's package version string, e.g. {@code Debian 1:7.2+dfsg-7}
 * @param capabilities the optional capabilities QEMU offers (e.g. {@code oob}); none are enabled
 */
public record QmpGreeting(String version, String packageName, List<String> capabilities) {
    public QmpGreeting {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(packageName, "packageName");
        capabilities = List.copyOf(capabilities);
    }
}
