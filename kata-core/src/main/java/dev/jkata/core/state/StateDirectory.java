package dev.jkata.core.state;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.host.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * One sandbox's directory on the host (mode 0700): QEMU's sockets and pid file, the console log, and the
 * owner's lock. The owning JVM holds a lock on {@value #LOCK_FILE} for the directory's whole life; the kernel
 * drops it when that JVM dies, however it dies, so {@link Reaper} tells a live owner from a dead one by trying
 * the lock: no pid, start time or clock is compared, and it works across PID namespaces. Removed on close.
 */
public final class StateDirectory implements AutoCloseable {
    /** The file whose lock says the owner lives. Present in every directory the library made, and only there. */
    static final String LOCK_FILE = "owner.lock";
    /** Who owns the directory (pid, sandbox id): for people and diagnostics only, never to decide liveness. */
    static final String OWNER_FILE = "owner.properties";
    /** The names of sandbox directories: the 12 hex digits of a sandbox id. Nothing else in a root is touched. */
    static final Pattern NAME = Pattern.compile("[0-9a-f]{12}");

    /**
     * The directories this JVM owns. A POSIX lock is the process's: closing any other descriptor of the file
     * in this JVM would drop it, so the reaper never opens these.
     */
    private static final Set<Path> OWNED_HERE = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final String sandboxId;
    private final FileChannel lockChannel;
    private boolean closed;

    private StateDirectory(Path dir, String sandboxId, FileChannel lockChannel) {
        this.dir = dir;
        this.sandboxId = sandboxId;
        this.lockChannel = lockChannel;
    }

    /** @see StateRoot#defaultRoot() */
    public static Path defaultRoot() {
        return StateRoot.defaultRoot();
    }

    /**
     * Creates the directory for a new sandbox under a {@linkplain StateRoot#prepare checked} root and takes its
     * owner's lock.
     *
     * @throws KataException {@link KataErrorReason#INVALID_CONFIGURATION} for a bad sandbox id or an unsafe root
     *                       (see {@link StateRoot#prepare}), {@link KataErrorReason#IO} when it cannot be made
     */
    public static StateDirectory create(Path root, String sandboxId) {
        if (!NAME.matcher(sandboxId).matches()) {
            throw new KataException(KataErrorReason.INVALID_CONFIGURATION,
                    "a sandbox state directory is named by 12 hex digits, not '" + sandboxId + "'");
        }
        Path dir = StateRoot.prepare(root).resolve(sandboxId);
        FileChannel lock = null;
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            OWNED_HERE.add(dir);
            // Locked under a temporary name, then renamed: a reaper that sees owner.lock always finds it held.
            Path pending = dir.resolve(LOCK_FILE + ".new");
            lock = FileChannel.open(pending, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock held = lock.tryLock();
            if (held == null) {
                throw new IOException("cannot lock " + pending);
            }
            Files.move(pending, dir.resolve(LOCK_FILE), StandardCopyOption.ATOMIC_MOVE);
            writeOwner(dir, sandboxId);
            return new StateDirectory(dir, sandboxId, lock);
        } catch (IOException e) {
            closeQuietly(lock);
            try {
                if (OWNED_HERE.contains(dir)) {
                    FileTrees.delete(dir);
                }
            } catch (IOException ignored) {
                // best effort: the directory holds no lock, so the next sweep removes it once it is empty
            }
            OWNED_HERE.remove(dir);
            throw new KataException(KataErrorReason.IO, "cannot create the sandbox state directory " + dir + ": "
                    + e.getMessage() + "; choose a writable place with stateRoot(...)", sandboxId, e);
        }
    }

    private static void writeOwner(Path dir, String sandboxId) throws IOException {
        Properties owner = new Properties();
        owner.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        owner.setProperty("sandbox", sandboxId);
        Path tmp = dir.resolve(OWNER_FILE + ".new");
        try (var out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            owner.store(out, "jkata sandbox owner (liveness is the lock on " + LOCK_FILE + ")");
        }
        Files.move(tmp, dir.resolve(OWNER_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Whether this JVM owns {@code dir} (an absolute, normalized path). */
    static boolean ownedHere(Path dir) {
        return OWNED_HERE.contains(dir);
    }

    public Path path() { return dir; }

    public Path resolve(String name) { return dir.resolve(name); }

    public String sandboxId() { return sandboxId; }

    /** Removes the directory and everything in it, then gives up the owner's lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            FileTrees.delete(dir);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot remove " + dir + ": " + e.getMessage(), sandboxId, e);
        } finally {
            closeQuietly(lockChannel);
            OWNED_HERE.remove(dir);
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing a lock file releases the lock whatever close says
            }
        }
    }
}
