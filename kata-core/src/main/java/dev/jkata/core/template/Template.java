package dev.jkata.core.template;

import dev.jkata.guestimage.cache.CacheDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stored VM template: a directory in the cache ({@code templates/<digest>}, 0700) holding the guest's RAM
 * ({@value #RAM}), its device state ({@value #STATE}) and what they were made from ({@value #META}: the key text,
 * sizes, the state's SHA-256). {@link #open} trusts a template only when all of it is there and agrees.
 *
 * @param dir        the template's directory
 * @param ramBytes   the RAM file's size: the guest's memory
 * @param stateBytes the device state's size
 * @param created    when it was built
 */
public record Template(Path dir, long ramBytes, long stateBytes, Instant created) {
    private static final Logger LOG = LoggerFactory.getLogger(Template.class);
    static final String RAM = "ram";
    static final String STATE = "state";
    static final String META = "template.properties";
    /** The key text, for people: what the template was made from. */
    static final String KEY = "key.txt";

    public Path ram() { return dir.resolve(RAM); }

    public Path state() { return dir.resolve(STATE); }

    /** The template's digest: the name of its directory. */
    public String digest() { return dir.getFileName().toString(); }

    /** What the template was made from (its key text), or empty when that file is gone. */
    public String describe() {
        try {
            return Files.readString(dir.resolve(KEY));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The template in {@code dir}, when it is whole: meta data readable, RAM of {@code ramBytes} (or any size when
     * negative), device state of the recorded size and digest. A damaged one is removed, said at WARN.
     */
    public static Optional<Template> open(Path dir, long ramBytes) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        String problem;
        try {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(dir.resolve(META))) {
                p.load(in);
            }
            long ram = Long.parseLong(p.getProperty("ram.bytes", "-1"));
            long state = Long.parseLong(p.getProperty("state.bytes", "-1"));
            Instant created = Instant.parse(p.getProperty("created", Instant.EPOCH.toString()));
            long ramOnDisk = Files.size(dir.resolve(RAM));
            long stateOnDisk = Files.size(dir.resolve(STATE));
            if (ramBytes >= 0 && ram != ramBytes) {
                problem = "its RAM is " + ram + " bytes, the configuration's " + ramBytes;
            } else if (ramOnDisk != ram) {
                problem = "its RAM file holds " + ramOnDisk + " bytes, not " + ram;
            } else if (stateOnDisk != state) {
                problem = "its device state holds " + stateOnDisk + " bytes, not " + state;
            } else if (!dev.jkata.guestimage.cache.Digest.sha256(dir.resolve(STATE)).equals(p.getProperty("state.sha256"))) {
                problem = "its device state does not match its recorded SHA-256";
            } else if ((problem = notOwnPrivate(dir)) != null) {
                // another user's (or a shared) cache: its RAM would be run as every clone's memory
            } else if (!identity(dir.resolve(RAM)).equals(p.getProperty("ram.identity"))) {
                problem = "its RAM file was replaced or written since it was built (" + identity(dir.resolve(RAM))
                        + ", built as " + p.getProperty("ram.identity") + ")";
            } else {
                return Optional.of(new Template(dir, ram, state, created));
            }
        } catch (NoSuchFileException e) {
            problem = "it lacks " + e.getFile();
        } catch (IOException | RuntimeException e) {
            problem = "it cannot be read: " + e;
        }
        LOG.warn("The VM template {} is damaged ({}); removing it, a new one is built", dir, problem);
        delete(dir);
        return Optional.empty();
    }

    /**
     * The RAM file's identity: inode, size and modification time to the nanosecond. Hashing gigabytes at every start
     * costs more than a clone; a RAM file written or replaced after the build (the guest's memory mapped shared stops
     * at the save) changes at least one of these, and publishing a build renames its directory, which keeps them.
     */
    static String identity(Path ram) throws IOException {
        Object ino = Files.getAttribute(ram, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(ram, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        return ino + ":" + Files.size(ram) + ":" + mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Why the template's files are not this user's own and private, or null when they are. */
    static String notOwnPrivate(Path dir) throws IOException {
        int me = dev.jkata.qemu.HostUser.effectiveUid();
        for (Path f : new Path[] {dir, dir.resolve(RAM), dir.resolve(STATE), dir.resolve(META)}) {
            int uid = (Integer) Files.getAttribute(f, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(f, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
            if (uid != me) {
                return f.getFileName() + " belongs to uid " + uid + ", not to this user (" + me + ")";
            }
            if ((mode & 0022) != 0) {
                return f.getFileName() + " can be written by others (mode " + Integer.toOctalString(mode & 0777) + ")";
            }
            if (Files.isSymbolicLink(f)) {
                return f.getFileName() + " is a symbolic link";
            }
        }
        return null;
    }

    /** Writes the meta data of a template being built in {@code dir}: what {@link #open} checks. */
    static void writeMeta(Path dir, String keyText) throws IOException {
        Properties p = new Properties();
        p.setProperty("ram.bytes", Long.toString(Files.size(dir.resolve(RAM))));
        p.setProperty("state.bytes", Long.toString(Files.size(dir.resolve(STATE))));
        p.setProperty("state.sha256", dev.jkata.guestimage.cache.Digest.sha256(dir.resolve(STATE)));
        p.setProperty("ram.identity", identity(dir.resolve(RAM)));
        p.setProperty("created", Instant.now().toString());
        Files.writeString(dir.resolve(KEY), keyText);
        try (OutputStream out = Files.newOutputStream(dir.resolve(META))) {
            p.store(out, "a jkata VM template");
        }
    }

    /** Removes this template; running clones keep their mapping of its RAM. */
    public void delete() {
        delete(dir);
    }

    private static void delete(Path dir) {
        try {
            CacheDirectory.deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("Cannot remove the VM template {}: {}", dir, e.getMessage());
        }
    }
}
