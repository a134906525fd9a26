package dev.jkata.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective user id, read once from {@code /proc/self/status}. */
final class Users {
    private static final int EUID = readEffectiveUid();

    private Users() {}

    static int effectiveUid() {
        return EUID;
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
