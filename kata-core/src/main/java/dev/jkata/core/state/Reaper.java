package dev.jkata.core.state;

import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.guestimage.host.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after JVMs that died without closing their sandboxes. It looks only at what the library made: a
 * directory named like a sandbox id that holds an owner lock file. When that lock can be taken its owner is
 * gone: the reaper lets each guest launcher end what its guest left there ({@link GuestLauncher#reapAbandoned},
 * the QEMU launcher kills the VM still running), then removes the directory. Anything else in the root (the
 * user's files, other programs' directories) is never touched.
 */
public final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);
    /** An id-named directory still empty after this long was left by an owner that died while creating it. */
    private static final Duration EMPTY_GRACE = Duration.ofSeconds(60);

    private Reaper() {}

    /**
     * Sweeps {@code root}, asking {@code launchers} to reap what their guests left in each abandoned directory;
     * returns the sandbox ids whose leftovers were removed.
     */
    public static List<String> sweep(Path root, List<? extends GuestLauncher> launchers) {
        List<String> reaped = new ArrayList<>();
        Path abs = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            return reaped;
        }
        try (Stream<Path> s = Files.list(abs)) {
            for (Path dir : s.toList()) {
                if (StateDirectory.NAME.matcher(dir.getFileName().toString()).matches()
                        && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) && !StateDirectory.ownedHere(dir)
                        && reap(dir, launchers)) {
                    reaped.add(dir.getFileName().toString());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep {}: {}", abs, e.getMessage());
        }
        return reaped;
    }

    private static boolean reap(Path dir, List<? extends GuestLauncher> launchers) {
        Path lockFile = dir.resolve(StateDirectory.LOCK_FILE);
        if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            return removeIfEmptyAndOld(dir);
        }
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // this JVM holds it: being created or closed on another thread right now
            }
            if (lock == null) {
                return false; // its owner lives
            }
            reapGuests(dir, launchers);
            // after the guests: a tap goes once its QEMU has
            dev.jkata.core.netns.JoinedNamespace.reapLeftovers(dir);
            dev.jkata.core.netns.ScratchNamespace.reapLeftovers(dir);
            FileTrees.delete(dir);
            LOG.info("Removed sandbox {} left behind by a JVM that is gone", dir.getFileName());
            return true;
        } catch (NoSuchFileException e) {
            return false; // closed by its owner meanwhile
        } catch (IOException e) {
            LOG.warn("Cannot remove the abandoned sandbox directory {}: {}", dir, e.getMessage());
            return false;
        }
    }

    private static boolean removeIfEmptyAndOld(Path dir) {
        try {
            if (Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant()
                    .isAfter(Instant.now().minus(EMPTY_GRACE))) {
                return false;
            }
            Files.delete(dir); // only succeeds when empty
            return true;
        } catch (DirectoryNotEmptyException e) {
            LOG.debug("{} has no owner lock: not made by this library, left alone", dir);
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static void reapGuests(Path dir, List<? extends GuestLauncher> launchers) {
        for (GuestLauncher launcher : launchers) {
            try {
                launcher.reapAbandoned(dir);
            } catch (RuntimeException e) {
                LOG.warn("{} could not reap what its guest left in {}: {}", launcher, dir, e.toString());
            }
        }
    }
}
