package dev.jkata.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A process's arguments as the kernel holds them ({@code /proc/<pid>/cmdline}). Not {@code ProcessHandle.Info}: the
 * JDK reads only the first 4096 bytes of a command line and gives no arguments at all past that, and both a QEMU's
 * command line and a JVM's class path can be longer.
 */
public final class ProcessArguments {
    /** More than any command line here; the kernel's own bound is the argument space (ARG_MAX). */
    private static final int MAX_BYTES = 1 << 20;

    private ProcessArguments() {}

    /** The arguments of process {@code pid} (the program first), or empty when it is gone or has none (a kernel thread). */
    public static Optional<List<String>> of(long pid) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        } catch (IOException e) {
            return Optional.empty();
        }
        if (raw.length == 0 || raw.length > MAX_BYTES) {
            return Optional.empty();
        }
        List<String> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= raw.length; i++) {
            if (i == raw.length || raw[i] == 0) {
                if (i > start || i < raw.length) {
                    args.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return Optional.of(List.copyOf(args));
    }

    /** Whether process {@code pid}'s arguments hold every one of {@code wanted}. */
    public static boolean holds(long pid, String... wanted) {
        return of(pid).map(a -> a.containsAll(List.of(wanted))).orElse(false);
    }
}
