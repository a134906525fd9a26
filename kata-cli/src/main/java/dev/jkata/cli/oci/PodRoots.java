package dev.jkata.cli.oci;

import dev.jkata.guestimage.host.Command;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host directory of a pod's VM that holds its other containers' root file systems: shared read-only into the
 * guest when the pod's sandbox boots ({@code containerRoots}), and given each joining container's root by a bind
 * mount ({@code <dir>/<container-id>}), which the guest sees as it appears. Needs root on the host, as the engines
 * that run pods have.
 *
 * <p>Nothing here is ever deleted recursively: each entry is unmounted (lazily: the VM may still hold files in it)
 * and then removed only if it is an empty directory, so a mount that could not be undone keeps the engine's root
 * file system intact instead of emptying it.
 */
final class PodRoots {
    private static final Logger log = LoggerFactory.getLogger(PodRoots.class);
    private static final java.time.Duration MOUNT_TIMEOUT = java.time.Duration.ofSeconds(30);

    private final Path dir;

    PodRoots(Path dir) {
        this.dir = dir;
    }

    Path dir() { return dir; }

    /** Creates the directory (0700), empty. */
    PodRoots create() {
        try {
            Files.createDirectories(dir.getParent());
            if (Files.isDirectory(dir)) {
                removeAll(); // left by a pod whose daemon was killed: its VM is gone
            }
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create the pod's directory " + dir + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** Where container {@code id}'s root is bound. */
    Path of(String id) {
        return dir.resolve(ContainerDir.checkId(id));
    }

    /** Binds {@code rootfs} (the container's bundle root) at {@link #of(String) of(id)}. */
    Path bind(String id, Path rootfs) {
        Path at = of(id);
        if (!Files.isDirectory(rootfs)) {
            throw new RuntimeFailure("the root file system " + rootfs + " of container " + id + " is not a directory");
        }
        try {
            Files.createDirectory(at);
        } catch (IOException e) {
            throw new RuntimeFailure("container " + id + " is already in the pod, or " + at + " cannot be made: " + e.getMessage(), e);
        }
        String out = mount(List.of("mount", "--bind", rootfs.toString(), at.toString()));
        if (out != null) {
            removeEmpty(at);
            throw new RuntimeFailure("cannot bind the root file system of container " + id + " into its pod (" + out.strip()
                    + "); a container joining a pod needs kata-runtime to run as root on the host");
        }
        return at;
    }

    /** Undoes {@link #bind}: unmounts, then removes the entry if it is empty. */
    void release(String id) {
        Path at = of(id);
        if (!Files.exists(at)) {
            return;
        }
        String out = mount(List.of("umount", "-l", at.toString()));
        if (out != null && !out.contains("not mounted")) {
            log.warn("cannot unmount {}: {}", at, out.strip());
        }
        removeEmpty(at);
    }

    /** Releases every entry, then removes the directory itself when it is empty. */
    void removeAll() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                release(p.getFileName().toString());
            }
        } catch (IOException | RuntimeFailure e) {
            log.warn("cannot list {}: {}", dir, e.getMessage());
        }
        removeEmpty(dir);
    }

    private static void removeEmpty(Path p) {
        try {
            Files.delete(p); // a directory only goes when empty: never into a root file system still mounted
        } catch (NoSuchFileException e) {
            // gone already
        } catch (DirectoryNotEmptyException e) {
            log.warn("{} is not empty (a mount that did not come undone?); leaving it and what is in it", p);
        } catch (IOException e) {
            log.warn("cannot remove {}: {}", p, e.getMessage());
        }
    }

    /** Runs mount or umount; null when it succeeded, else what it said. */
    private static String mount(List<String> cmd) {
        try {
            Command.Result r = Command.of(cmd).timeout(MOUNT_TIMEOUT).run();
            return r.ok() ? null : r.stderr() + r.stdout();
        } catch (dev.jkata.api.KataException e) {
            return e.getMessage();
        }
    }
}
