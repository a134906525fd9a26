package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a command's program inside a container's root file system the way a shell would ({@code PATH} for a
 * bare name), resolving symbolic links inside that root — an absolute link target is taken relative to the
 * container's root, never the guest's. Lets the agent answer a missing program with status 127 and one it cannot
 * execute with 126, as a shell does, instead of a runtime error. The one lookup of jkata: kata-testkit's host-process
 * fake uses it too, with the host's {@code /} as the root.
 */
public final class ExecutableLookup {
    /** What a shell reports for a program it cannot find. */
    public static final int NOT_FOUND = 127;
    /** What a shell reports for a program it found but cannot execute (a file without execute permission). */
    public static final int NOT_EXECUTABLE = 126;

    /**
     * What a lookup found: the program's path inside the root, or the status a shell would end with.
     *
     * @param exitStatus 0 when {@code program} is present, else {@link #NOT_FOUND} or {@link #NOT_EXECUTABLE}
     */
    public record Result(Optional<String> program, int exitStatus) {
        static final Result MISSING = new Result(Optional.empty(), NOT_FOUND);
        static final Result NOT_RUNNABLE = new Result(Optional.empty(), NOT_EXECUTABLE);

        /** Whether the program was found and can be executed. */
        public boolean found() {
            return program.isPresent();
        }

        /** What a shell says on standard error when the program cannot run. */
        public String message(String command) {
            return command + (exitStatus == NOT_EXECUTABLE ? ": permission denied\n" : ": not found\n");
        }
    }

    private static final int MAX_LINKS = 40;
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ExecutableLookup() {}

    /**
     * The program's path inside the container when it exists there as an executable regular file; else whether a
     * shell would say 127 (nothing by that name) or 126 (a file by that name, not executable: the search goes on, as
     * a shell's does, and 126 is the answer only when no later directory has an executable one).
     */
    public static Result find(Path rootfs, String command, String pathVariable, String cwd) {
        if (command.isEmpty()) {
            return Result.MISSING;
        }
        if (command.contains("/")) {
            String abs = command.startsWith("/") ? command : (cwd.endsWith("/") ? cwd : cwd + "/") + command;
            return check(rootfs, abs);
        }
        boolean sawNonExecutable = false;
        for (String dir : (pathVariable == null || pathVariable.isEmpty() ? DEFAULT_PATH : pathVariable).split(":")) {
            String candidate = (dir.isEmpty() ? cwd : dir) + "/" + command;
            Result r = check(rootfs, candidate);
            if (r.found()) {
                return r;
            }
            sawNonExecutable |= r.exitStatus() == NOT_EXECUTABLE;
        }
        return sawNonExecutable ? Result.NOT_RUNNABLE : Result.MISSING;
    }

    private static Result check(Path rootfs, String guestPath) {
        Optional<Path> p = resolve(rootfs, guestPath, 0).filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS));
        if (p.isEmpty()) {
            return Result.MISSING;
        }
        return Files.isExecutable(p.get()) ? new Result(Optional.of(guestPath), 0) : Result.NOT_RUNNABLE;
    }

    /** Resolves {@code guestPath} component by component under {@code rootfs}, following links inside it. */
    private static Optional<Path> resolve(Path rootfs, String guestPath, int depth) {
        if (depth > MAX_LINKS) {
            return Optional.empty();
        }
        Path current = rootfs;
        String[] parts = guestPath.split("/");
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.equals(rootfs) ? rootfs : current.getParent();
                continue;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return Optional.empty();
                }
                String base = target.startsWith("/") ? "" : "/" + rootfs.relativize(current);
                StringBuilder rest = new StringBuilder(base).append('/').append(target);
                for (int j = i + 1; j < parts.length; j++) {
                    rest.append('/').append(parts[j]);
                }
                return resolve(rootfs, rest.toString(), depth + 1);
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            current = next;
        }
        return Optional.of(current);
    }
}
