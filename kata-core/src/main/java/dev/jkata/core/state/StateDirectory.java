package dev.jkata.core.state;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.cache.CacheDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * One sandbox's directory on the host: its owner (this JVM's pid and start time, so a later JVM can tell a
 * live owner from a dead one whose pid was reused), QEMU's sockets and pid file, the console log. Mode 0700.
 * Removed on close; {@link Reaper} removes those whose owner died.
 */
public final class StateDirectory implements AutoCloseable {
    static final String OWNER_FILE = "owner.properties";

    private final Path dir;
    private final String sandboxId;
    private boolean closed;

    private StateDirectory(Path dir, String sandboxId) {
        this.dir = dir;
        this.sandboxId = sandboxId;
    }

    /**
     * The root all sandboxes' directories live under: the given one, else {@code $XDG_RUNTIME_DIR/jkata},
     * else {@code /run/jkata} for root, else {@code /tmp/jkata-USER}. Kept short: UNIX socket paths must fit
     * in 108 bytes.
     */
    public static Path defaultRoot() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        if (xdg != null && !xdg.isBlank() && Files.isDirectory(Path.of(xdg))) {
            return Path.of(xdg, "jkata");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return Path.of("/run/jkata");
        }
        return Path.of("/tmp", "jkata-" + System.getProperty("user.name"));
    }

    /** Creates the directory for a new sandbox and records this JVM as its owner. */
    public static StateDirectory create(Path root, String sandboxId) {
        Path dir = root.resolve(sandboxId);
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Properties owner = new Properties();
            ProcessHandle self = ProcessHandle.current();
            owner.setProperty("pid", Long.toString(self.pid()));
            owner.setProperty("start", self.info().startInstant().map(Instant::toString).orElse(""));
            owner.setProperty("sandbox", sandboxId);
            try (var out = Files.newOutputStream(dir.resolve(OWNER_FILE))) {
                owner.store(out, "jkata sandbox owner");
            }
            return new StateDirectory(dir, sandboxId);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot create the sandbox state directory " + dir + ": " + e.getMessage()
                    + "; choose a writable place with stateRoot(...)", sandboxId, e);
        }
    }

    public Path path() { return dir; }

    public Path resolve(String name) { return dir.resolve(name); }

    public String sandboxId() { return sandboxId; }

    /** Reads a directory's owner record; empty when it has none or it is unreadable. */
    static Optional<Properties> owner(Path dir) {
        try (var in = Files.newInputStream(dir.resolve(OWNER_FILE))) {
            Properties p = new Properties();
            p.load(in);
            return Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes the directory and everything in it. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            CacheDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot remove " + dir + ": " + e.getMessage(), sandboxId, e);
        }
    }
}
