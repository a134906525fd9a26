package dev.jkata.guest.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a command's program inside a container's root file system the way a shell would ({@code PATH} for a
 * bare name), resolving symbolic links inside that root — an absolute link target is taken relative to the
 * container's root, never the guest's. Lets the agent answer a missing program with status 127, as a shell
 * does, instead of a runtime error.
 */
final class ExecutableLookup {
    private static final int MAX_LINKS = 40;
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ExecutableLookup() {}

    /** The program's path inside the container, if it exists there as an executable regular file. */
    static Optional<String> find(Path rootfs, String command, String pathVariable, String cwd) {
        if (command.isEmpty()) {
            return Optional.empty();
        }
        if (command.contains("/")) {
            String abs = command.startsWith("/") ? command : (cwd.endsWith("/") ? cwd : cwd + "/") + command;
            return isExecutable(rootfs, abs) ? Optional.of(abs) : Optional.empty();
        }
        for (String dir : (pathVariable == null || pathVariable.isEmpty() ? DEFAULT_PATH : pathVariable).split(":")) {
            String candidate = (dir.isEmpty() ? cwd : dir) + "/" + command;
            if (isExecutable(rootfs, candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean isExecutable(Path rootfs, String guestPath) {
        return resolve(rootfs, guestPath, 0).map(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                && Files.isExecutable(p)).orElse(false);
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
