package dev.jkata.core.disk;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.core.guest.GuestDisk;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.host.HostTools;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox's scratch disk: {@code <dir>/<sandbox id>.img}, a sparse file of the asked size (mode 0600) holding an
 * ext4 file system made by the host's {@code mke2fs} (no root needed: it writes a file). While the sandbox lives this
 * JVM holds a lock on the file; {@link #close} deletes it. The file system has no journal (nothing on it outlives the
 * VM, so there is nothing to recover) and no reserved blocks, and its inode tables are left to the sparse file's
 * zeros, so formatting 8 GiB takes milliseconds and about 4 MiB.
 */
public final class ScratchDisk implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScratchDisk.class);
    private static final String SUFFIX = ".img";
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    /**
     * The bytes locked: the first only. QEMU takes its own (OFD) locks on the image from byte 100 on, and a POSIX lock
     * over them would make it refuse the file.
     */
    private static final long LOCKED_BYTES = 1;
    /** This JVM's live disks (a POSIX lock is the process's: sweeping them from here would release it). */
    private static final Set<Path> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path file;
    private final MemorySize size;
    private final FileChannel channel;
    private final FileLock lock;

    private ScratchDisk(Path file, MemorySize size, FileChannel channel, FileLock lock) {
        this.file = file;
        this.size = size;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Makes sandbox {@code sandboxId}'s disk of {@code size} in {@code dir} (created 0700 when missing), after sweeping
     * the disks there that no live sandbox holds.
     *
     * @throws InvalidConfigurationException naming {@code disk} when the size exceeds what {@code dir}'s file system
     *                                       has free
     * @throws dev.jkata.api.MissingHostDependencyException when mke2fs (e2fsprogs) is missing
     */
    public static ScratchDisk create(Path dir, String sandboxId, MemorySize size) {
        Path mke2fs = HostTools.MKFS_EXT4.require();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            if (Files.isSymbolicLink(dir) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new InvalidConfigurationException("disk", dir + " is not a directory; remove it so that disks can be kept there");
            }
            sweep(dir);
            long free = Files.getFileStore(dir).getUsableSpace();
            if (size.toBytes() > free) {
                throw new InvalidConfigurationException("disk", "a disk of " + size + " does not fit in " + dir + ", whose"
                        + " file system has " + (free >> 20) + "M free; ask for less with disk(...), free some space, or"
                        + " start without one (noDisk())");
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot prepare the disk directory " + dir + ": " + e.getMessage(), e);
        }
        Path file = dir.resolve(sandboxId + SUFFIX);
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            FileLock lock = ch.lock(0, LOCKED_BYTES, false);
            LIVE.add(file);
            // the length first: mke2fs sizes the file system to the file
            // (by writing its last byte: closing another descriptor of the file would drop this process's lock)
            ch.write(java.nio.ByteBuffer.allocate(1), size.toBytes() - 1);
            Command.Result r = Command.of(mke2fs.toString(), "-q", "-F", "-t", "ext4", "-O", "^has_journal", "-m", "0",
                    "-E", "lazy_itable_init=1,nodiscard,root_owner=0:0", "-L", "jkata-scratch", file.toString())
                    .timeout(FORMAT_TIMEOUT).run();
            if (!r.ok()) {
                throw new KataException(KataErrorReason.IO, "mke2fs could not format the sandbox's disk " + file + " (exit "
                        + r.exitCode() + "): " + r.stderr().strip());
            }
            LOG.debug("Sandbox {}: scratch disk {} of {} formatted", sandboxId, file, size);
            return new ScratchDisk(file, size, ch, lock);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            LIVE.remove(file);
            try {
                Files.deleteIfExists(file);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new KataException(KataErrorReason.IO, "cannot make the sandbox's disk " + file + ": " + e.getMessage(), e);
        }
    }

    /** What the launcher attaches. */
    public GuestDisk guestDisk() {
        return new GuestDisk(file, size);
    }

    public Path file() { return file; }

    /** Releases the lock and deletes the file. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.debug("releasing the lock of {}: {}", file, e.toString());
        }
        closeQuietly(channel);
        try {
            Files.deleteIfExists(file);
            LIVE.remove(file);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot delete the sandbox's disk " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the disks in {@code dir} whose lock nobody holds: their sandboxes' JVMs are gone. */
    static void sweep(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                if (LIVE.contains(f) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    // this JVM's own (opening it here and closing would drop its POSIX lock) or not a disk
                    continue;
                }
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                    FileLock l = ch.tryLock(0, LOCKED_BYTES, false);
                    if (l == null) {
                        continue; // a live sandbox's, in another JVM
                    }
                    Files.delete(f);
                    LOG.info("Removed the disk {} of a sandbox whose JVM ended without closing it", f);
                } catch (OverlappingFileLockException live) {
                    // a live sandbox's, in this JVM
                } catch (IOException e) {
                    LOG.debug("cannot sweep {}: {}", f, e.toString());
                }
            }
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                LOG.debug("closing a disk's channel: {}", e.toString());
            }
        }
    }
}
