package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Makes a process's missing working directory inside its container's root before the process starts, as a container
 * engine does for {@code run -w}: a runtime's exec would fail on it. Contained: the path is walked component by
 * component under the root and nothing is made past a symbolic link or a {@code ..} (a container's own links are
 * the runtime's to follow, inside the container), so a hostile root cannot make the agent write outside it.
 */
final class WorkingDirectories {
    private WorkingDirectories() {}

    /** Makes the directories of absolute {@code cwd} under {@code rootfs} that are missing; quietly does nothing else. */
    static void ensure(Path rootfs, String cwd) {
        if (!cwd.startsWith("/") || cwd.length() > 4096) {
            return;
        }
        Path current = rootfs;
        for (String part : cwd.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..") || part.length() > 255) {
                return;
            }
            Path next = current.resolve(part);
            if (Files.isSymbolicLink(next)) {
                return;
            }
            if (!Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(next);
                } catch (FileAlreadyExistsException raced) {
                    // made meanwhile by the container itself: checked again below
                } catch (IOException e) {
                    return; // the runtime then says why it cannot enter it
                }
            }
            if (!Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            current = next;
        }
    }
}
