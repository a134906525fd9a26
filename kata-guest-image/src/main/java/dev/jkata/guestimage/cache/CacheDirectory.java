package dev.jkata.guestimage.cache;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-user cache of built artefacts (kernels, runtimes, guest images), content-addressed: an entry's
 * name is a digest of everything that went into it, so the same inputs are never rebuilt and any change
 * builds a new entry.
 *
 * <p>Entries are built in a private temporary directory beside their final place and published with one
 * atomic rename, under a per-entry file lock so two JVMs never build the same entry twice at once. A reader
 * therefore sees a whole entry or none; a crash leaves only a {@code .tmp-} or {@code .scratch-} directory that a
 * later build sweeps. Waiting for another builder is bounded ({@code kata.cache.lockTimeout}, default 30 minutes)
 * and can be interrupted: the waiter then gets a typed error saying who to wait for.
 *
 * <p>Location: system property {@code kata.cache.dir}, else {@code $KATA_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/jkata}, else {@code ~/.cache/jkata}.
 */
public final class CacheDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(CacheDirectory.class);
    private static final Duration STALE_TMP = Duration.ofHours(6);

    /** File locks are per JVM, not per thread: threads of one JVM queue on this first. */
    private static final java.util.concurrent.ConcurrentHashMap<Path, java.util.concurrent.locks.ReentrantLock> JVM_LOCKS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How long a start waits for another thread or JVM building the same entry. */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(30);

    private final Path root;
    private final Duration lockTimeout;

    public CacheDirectory(Path root) {
        this(root, lockTimeoutSetting());
    }

    /** A cache whose waits for another builder end after {@code lockTimeout}. */
    public CacheDirectory(Path root, Duration lockTimeout) {
        this.root = root.toAbsolutePath().normalize();
        this.lockTimeout = lockTimeout;
    }

    private static Duration lockTimeoutSetting() {
        String v = System.getProperty("kata.cache.lockTimeout");
        if (v == null || v.isBlank()) {
            return DEFAULT_LOCK_TIMEOUT;
        }
        try {
            return v.matches("[0-9]+") ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
        } catch (RuntimeException e) {
            throw new dev.jkata.api.InvalidConfigurationException("kata.cache.lockTimeout",
                    "must be seconds or an ISO-8601 duration such as PT30M, not '" + v + "'");
        }
    }

    /** The default location for this user, as documented on the class. */
    public static CacheDirectory defaultLocation() {
        String prop = System.getProperty("kata.cache.dir");
        if (prop != null && !prop.isBlank()) {
            return new CacheDirectory(Path.of(prop));
        }
        String env = System.getenv("KATA_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return new CacheDirectory(Path.of(env));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new CacheDirectory(base.resolve("jkata"));
    }

    public Path root() { return root; }

    private volatile boolean rootChecked;

    /**
     * Refuses a cache root that is not this user's own, or that others can write (N-M5): entries are trusted because
     * they are there, and a template's RAM becomes every clone's memory, so another user must not be able to plant one.
     * Root with a user's environment ({@code sudo -E}: {@code XDG_CACHE_HOME}, {@code KATA_CACHE_DIR}) is refused too.
     */
    private void checkRoot() {
        if (rootChecked || !Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"); // /proc/self is the euid's
            int owner = (Integer) Files.getAttribute(root, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(root, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            String why = Files.isSymbolicLink(root) ? "is a symbolic link"
                    : owner != me ? "belongs to uid " + owner + ", not to this user (uid " + me + ")"
                    : (mode & 0022) != 0 ? "can be written by other users (mode " + Integer.toOctalString(mode & 07777) + ")"
                    : null;
            if (why != null) {
                throw new dev.jkata.api.InvalidConfigurationException("kata.cache.dir", "the cache " + root + " " + why
                        + "; its entries (guest images, VM templates) would run as your sandboxes: use a cache of your own"
                        + " (-Dkata.cache.dir=DIR, mode 0700)");
            }
            rootChecked = true;
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot check the cache " + root + ": " + e.getMessage(), e);
        }
    }

    /** Builds something into a fresh directory; the directory becomes the cache entry when this returns. */
    @FunctionalInterface
    public interface Builder {
        void build(Path into) throws IOException;
    }

    /** The entry {@code kind/key} if it has been published. */
    public Optional<Path> lookup(String kind, String key) {
        checkRoot();
        Path p = root.resolve(kind).resolve(key);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Returns the entry {@code kind/key}, building it with {@code builder} first when it is not there yet.
     * Concurrent callers in this or other JVMs wait for one build rather than repeating it.
     */
    public Path getOrBuild(String kind, String key, Builder builder) {
        Optional<Path> hit = lookup(kind, key);
        if (hit.isPresent()) {
            return hit.get();
        }
        Path dir = root.resolve(kind);
        Path target = dir.resolve(key);
        java.util.concurrent.locks.ReentrantLock jvmLock =
                JVM_LOCKS.computeIfAbsent(target, t -> new java.util.concurrent.locks.ReentrantLock());
        Instant deadline = Instant.now().plus(lockTimeout);
        try {
            if (!jvmLock.tryLock(lockTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw stillBuilding(target, "another thread of this JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KataException(KataErrorReason.TIMEOUT, "interrupted while waiting for the cache entry " + target
                    + " that another thread is building", e);
        }
        try {
            Files.createDirectories(dir);
            sweepStale(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve("." + key + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = fileLock(lockFile, target, deadline)) {
                if (Files.isDirectory(target)) {
                    return target; // another JVM built it while we waited
                }
                Path tmp = Files.createTempDirectory(dir, ".tmp-" + key.substring(0, Math.min(12, key.length())) + "-");
                boolean published = false;
                try {
                    builder.build(tmp);
                    publish(tmp, target);
                    published = true;
                } finally {
                    if (!published) {
                        deleteTree(tmp);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot write the cache entry " + target + ": " + e.getMessage()
                    + (isNoSpace(e) ? " (the disk is full: free space under " + root + " or point kata.cache.dir elsewhere)" : ""), e);
        } finally {
            jvmLock.unlock();
        }
    }

    /** The file lock, waited for with back-off until {@code deadline}; interruptible. */
    private FileLock fileLock(FileChannel channel, Path target, Instant deadline) throws IOException {
        long pause = 20;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            if (Instant.now().isAfter(deadline)) {
                throw stillBuilding(target, "another jkata process");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KataException(KataErrorReason.TIMEOUT, "interrupted while waiting for the cache entry " + target
                        + " that another process is building", e);
            }
            pause = Math.min(1000, pause * 2);
        }
    }

    private KataException stillBuilding(Path target, String who) {
        return new KataException(KataErrorReason.TIMEOUT, who + " has been building the cache entry " + target
                + " for over " + lockTimeout.toMinutes() + " min (" + lockTimeout + "); wait for it, stop it, or raise"
                + " -Dkata.cache.lockTimeout");
    }

    private static boolean isNoSpace(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("Disk quota");
    }

    private static void publish(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(tmp); // someone else published the same content first
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the cache directory must be on one file system with its temporary directories", e);
        }
    }

    /**
     * Removes the temporary directories of builds that ended without publishing (their process died): a build holds
     * its entry's lock file for as long as it runs, so a {@code .tmp-} directory whose entry lock nobody holds is
     * abandoned, however young. One this JVM's other threads are building stays (the lock overlaps). Directories
     * with no lock to ask, such as {@code .scratch-} ones, go after {@link #STALE_TMP}.
     */
    private static void sweepStale(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            Instant cutoff = Instant.now().minus(STALE_TMP);
            s.filter(p -> p.getFileName().toString().startsWith(".tmp-") || p.getFileName().toString().startsWith(".scratch-"))
                    .forEach(p -> {
                try {
                    if (abandoned(dir, p.getFileName().toString())
                            || Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
                        LOG.info("Removing an abandoned cache build {}", p);
                        deleteTree(p);
                    }
                } catch (IOException e) {
                    LOG.debug("cannot sweep {}", p, e);
                }
            });
        } catch (IOException e) {
            LOG.debug("cannot list {}", dir, e);
        }
    }

    /** Whether the build that made {@code .tmp-<key prefix>-...} is over: no lock of a key with that prefix is held. */
    private static boolean abandoned(Path dir, String tmpName) throws IOException {
        if (!tmpName.startsWith(".tmp-") || tmpName.indexOf('-', 5) < 0) {
            return false;
        }
        String prefix = "." + tmpName.substring(5, tmpName.indexOf('-', 5));
        List<Path> locks;
        try (Stream<Path> s = Files.list(dir)) {
            locks = s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".lock"))
                    .toList();
        }
        if (locks.isEmpty()) {
            return false;
        }
        for (Path lockPath : locks) {
            String name = lockPath.getFileName().toString();
            Path target = dir.resolve(name.substring(1, name.length() - ".lock".length()));
            // A POSIX lock belongs to the process, and closing any descriptor of the file drops it: so the file is
            // opened only while no thread of this JVM can hold or take its lock (they all take this one first).
            java.util.concurrent.locks.ReentrantLock jvmLock =
                    JVM_LOCKS.computeIfAbsent(target, t -> new java.util.concurrent.locks.ReentrantLock());
            if (!jvmLock.tryLock()) {
                return false; // a thread of this JVM is building it
            }
            try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.WRITE)) {
                FileLock probe = ch.tryLock();
                if (probe == null) {
                    return false; // another process is building it
                }
                probe.release();
            } catch (java.nio.channels.OverlappingFileLockException e) {
                return false; // this thread itself holds it
            } finally {
                jvmLock.unlock();
            }
        }
        return true;
    }

    /** Deletes a directory tree, never following symbolic links out of it. */
    public static void deleteTree(Path p) throws IOException {
        dev.jkata.guestimage.host.FileTrees.delete(p);
    }
}
