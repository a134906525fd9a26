package dev.jkata.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds host programs on {@code PATH}, then in the usual system directories. */
public final class HostExecutables {
    private static final List<Path> FALLBACK_DIRS = List.of(Path.of("/usr/bin"), Path.of("/bin"), Path.of("/usr/sbin"),
            Path.of("/sbin"), Path.of("/usr/local/bin"));

    private HostExecutables() {
    }

    /** The first executable file named {@code name} on this process's {@code PATH} or in the system directories. */
    public static Optional<Path> find(String name) {
        return find(name, System.getenv("PATH"));
    }

    /** As {@link #find(String)}, with an explicit {@code PATH} value (may be null). */
    public static Optional<Path> find(String name, String pathVariable) {
        List<Path> dirs = new ArrayList<>();
        if (pathVariable != null) {
            for (String d : pathVariable.split(File.pathSeparator)) {
                if (!d.isEmpty()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.addAll(FALLBACK_DIRS);
        for (Path d : dirs) {
            Path p = d.resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p.toAbsolutePath());
            }
        }
        return Optional.empty();
    }
}
