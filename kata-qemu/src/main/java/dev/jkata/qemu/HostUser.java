package dev.jkata.qemu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective user id, read once from {@code /proc/self/status}. */
public final class HostUser {
    private static final int EUID = readEffectiveUid();

    private HostUser() {}

    public static int effectiveUid() {
        return EUID;
    }

    public static boolean isRoot() {
        return EUID == 0;
    }

    private static int readEffectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        throw new IllegalStateException("cannot read this process's uid from /proc/self/status");
    }
}
