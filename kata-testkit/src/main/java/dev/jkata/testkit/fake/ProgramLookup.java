package dev.jkata.testkit.fake;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the program a command names the way a shell does: a name with a slash is a path (relative to the
 * working directory), any other name is searched in {@code PATH}. Done here, with the command's own
 * {@code PATH}, because {@link ProcessBuilder} would search the JVM's.
 */
final class ProgramLookup {
    /** What a shell reports for a program it cannot find. */
    static final int NOT_FOUND = 127;
    /** What a shell reports for a program it found but cannot execute. */
    static final int NOT_EXECUTABLE = 126;

    /**
     * The program, or the exit code a shell would give when there is none.
     *
     * @param exitCodeIfMissing 0 when {@code program} was found and is executable
     */
    record Found(Path program, int exitCodeIfMissing) {}

    private ProgramLookup() {}

    static Found find(String name, String path, Path workdir) {
        if (name.contains("/")) {
            return check(workdir.resolve(name));
        }
        boolean sawNonExecutable = false;
        for (String entry : (path == null ? "" : path).split(":", -1)) {
            Path candidate = (entry.isEmpty() ? workdir : workdir.resolve(entry)).resolve(name);
            Found f = check(candidate);
            if (f.exitCodeIfMissing() == 0) {
                return f;
            }
            sawNonExecutable |= f.exitCodeIfMissing() == NOT_EXECUTABLE;
        }
        return new Found(null, sawNonExecutable ? NOT_EXECUTABLE : NOT_FOUND);
    }

    private static Found check(Path candidate) {
        if (!Files.isRegularFile(candidate)) {
            return new Found(null, NOT_FOUND);
        }
        return Files.isExecutable(candidate) ? new Found(candidate, 0) : new Found(null, NOT_EXECUTABLE);
    }
}
