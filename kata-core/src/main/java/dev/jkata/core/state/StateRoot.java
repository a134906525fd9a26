package dev.jkata.core.state;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.qemu.HostUser;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The directory that holds the sandboxes' state directories, checked before anything is put in it: a real
 * directory (not a symbolic link), owned by this process's user and writable by nobody else. A root that is
 * missing is created with mode 0700. So no other local user can pre-create it, swap a sandbox's directory for
 * their own, or plant a link that makes QEMU write somewhere else.
 */
public final class StateRoot {
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private StateRoot() {}

    /**
     * The root to use when none is given: {@code /run/jkata} for root, whatever its environment says; else
     * {@code $XDG_RUNTIME_DIR/jkata} when that directory is this user's own with mode 0700 (as the XDG spec requires:
     * root with a user's environment, {@code sudo -E}, must not use a directory that user controls); else
     * {@code /tmp/jkata-USER}. Kept short: UNIX socket paths must fit in 108 bytes.
     */
    public static Path defaultRoot() {
        return defaultRoot(System.getenv("XDG_RUNTIME_DIR"), HostUser.effectiveUid());
    }

    static Path defaultRoot(String xdg, int euid) {
        if (euid == 0) {
            return Path.of("/run/jkata");
        }
        if (xdg != null && !xdg.isBlank() && ownPrivateDirectory(Path.of(xdg), euid)) {
            return Path.of(xdg, "jkata");
        }
        return Path.of("/tmp", "jkata-" + System.getProperty("user.name"));
    }

    private static boolean ownPrivateDirectory(Path dir, int euid) {
        try {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            return a.isDirectory() && uid == euid && a.permissions().equals(PRIVATE);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Creates {@code root} (mode 0700) when it is missing, then checks it.
     *
     * @return the root as an absolute path
     * @throws InvalidConfigurationException naming {@code stateRoot} when it is a link, not a directory, owned
     *                                       by another user or writable by group or others
     * @throws KataException {@link KataErrorReason#IO} when it cannot be created
     */
    public static Path prepare(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        try {
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                if (abs.getParent() != null) {
                    Files.createDirectories(abs.getParent());
                }
                try {
                    Files.createDirectory(abs, PosixFilePermissions.asFileAttribute(PRIVATE));
                } catch (FileAlreadyExistsException raced) {
                    // another thread or JVM made it first: checked below like any existing root
                }
            }
            check(abs);
            return abs;
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot create the state root " + abs + ": " + e.getMessage()
                    + "; choose a writable directory with stateRoot(...)", e);
        }
    }

    private static void check(Path root) throws IOException {
        PosixFileAttributes a = Files.readAttributes(root, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw refused(root, "is a symbolic link");
        }
        if (!a.isDirectory()) {
            throw refused(root, "is not a directory");
        }
        int uid = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (uid != HostUser.effectiveUid()) {
            throw refused(root, "is owned by uid " + uid + ", not by this process's uid " + HostUser.effectiveUid());
        }
        for (PosixFilePermission p : WRITABLE_BY_OTHERS) {
            if (a.permissions().contains(p)) {
                throw refused(root, "is writable by other users (mode "
                        + PosixFilePermissions.toString(a.permissions()) + ")");
            }
        }
        checkAncestors(root);
    }

    /**
     * Every directory above the root belongs to root or to this user, and none that others can write lacks the sticky
     * bit (as /tmp has): else another user could rename the root away and put their own in its place.
     */
    static void checkAncestors(Path root) throws IOException {
        for (Path p = root.getParent(); p != null; p = p.getParent()) {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
            int uid = (Integer) Files.getAttribute(p, "unix:uid");
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            boolean sticky = (mode & 01000) != 0;
            if (uid != 0 && uid != HostUser.effectiveUid()) {
                throw refused(root, "is inside " + p + ", which uid " + uid + " owns; choose a root whose every parent is"
                        + " yours or root's");
            }
            if (!sticky && (a.permissions().contains(PosixFilePermission.GROUP_WRITE)
                    || a.permissions().contains(PosixFilePermission.OTHERS_WRITE))) {
                throw refused(root, "is inside " + p + ", which other users can write (mode "
                        + PosixFilePermissions.toString(a.permissions()) + ", not sticky); choose another root");
            }
        }
    }

    private static InvalidConfigurationException refused(Path root, String why) {
        return new InvalidConfigurationException("stateRoot", root + " " + why
                + "; sandboxes keep sockets there that no one else may touch: give stateRoot(...) a directory of"
                + " your own with mode 0700 (or a path that does not exist yet, which is created so)");
    }
}
