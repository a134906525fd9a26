package dev.jkata.core.sandbox;

import dev.jkata.agent.client.GuestDetails;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a container's writes go. Every container's root is a read-only share; an agent that reports the
 * {@value GuestDetails#OVERLAYFS} storage driver in GetGuestDetails (as jkata's does, and later Kata agents) stacks a
 * writable overlay on it, on the sandbox's disk when it has one (see {@code ScratchDisk}) or else a tmpfs of the
 * container's own, and the root is writable. An agent that does not (the
 * Kata 1.x agent) leaves the root read-only; the container then gets a tmpfs of its own on each of
 * {@link #SCRATCH_DIRS} that its root holds as an empty directory (a tmpfs over a directory with files would hide
 * them), besides the {@code /tmp} every container has, and the spec says its root is read-only: a write anywhere
 * else fails with EROFS.
 */
final class WritableLayer {
    /** The directories a container without an overlay gets a tmpfs on, when its root holds them empty. */
    static final List<String> SCRATCH_DIRS = List.of("/run", "/var/tmp", "/var/run", "/var/log", "/var/cache", "/root",
            "/home", "/mnt");

    private final boolean byAgent;

    private WritableLayer(boolean byAgent) {
        this.byAgent = byAgent;
    }

    /** The layer an agent with these details gives. */
    static WritableLayer of(GuestDetails details) {
        return new WritableLayer(details.handlesStorage(GuestDetails.OVERLAYFS));
    }

    /** Whether the agent stacks the writable overlay itself. */
    boolean byAgent() {
        return byAgent;
    }

    /** Whether a container's spec says its root is read-only. */
    boolean rootReadonly() {
        return !byAgent;
    }

    /**
     * The container paths that get a tmpfs, for a container whose root is {@code rootHostDir} on the host: none when
     * the agent makes the overlay; else each of {@link #SCRATCH_DIRS} that is an empty directory there (not a symbolic
     * link).
     */
    List<String> scratchDirs(Path rootHostDir) {
        if (byAgent) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String dir : SCRATCH_DIRS) {
            if (emptyDirectory(rootHostDir, dir)) {
                out.add(dir);
            }
        }
        return out;
    }

    /** Whether {@code p} is an empty directory reached through no symbolic link (an image's may point anywhere). */
    private static boolean emptyDirectory(Path root, String dir) {
        Path p = root;
        for (String part : dir.substring(1).split("/")) {
            p = p.resolve(part);
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
        }
        try (Stream<Path> s = Files.list(p)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** What a log line says of it. */
    String describe() {
        return byAgent ? "the agent's overlay" : "tmpfs on the root's empty scratch directories; the root read-only";
    }
}
