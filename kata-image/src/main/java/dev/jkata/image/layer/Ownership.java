package dev.jkata.image.layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How the owner and permission bits a layer gives a file end up on the host. Implementations never follow a final
 * symbolic link. {@link #NATIVE} and {@link #KEEP_CALLER} are the built-in strategies; others (say, one recording
 * ownership in extended attributes for a rootless store) implement this interface.
 */
public interface Ownership {
    /** The process is root: files get the layer's numeric uid and gid and exactly its mode, setuid bits included. */
    Ownership NATIVE = StandardOwnership.NATIVE;

    /**
     * The process is not root: files stay owned by the caller and get the layer's mode without the setuid and
     * setgid bits (the kernel would drop them anyway); directories also keep owner read, write and search permission
     * so later layers and the store's own clean-up can still change them. The layer's owners are not recorded.
     */
    Ownership KEEP_CALLER = StandardOwnership.KEEP_CALLER;

    /**
     * Needs no privilege: owners, modes (set-uid included) and file types go into {@code user.virtfs.*} extended
     * attributes as QEMU's 9p {@code mapped-xattr} model reads them, symbolic links become files holding their
     * target, and the host files stay the caller's, readable by the caller only. See {@link MappedXattr}.
     */
    Ownership MAPPED_XATTR = StandardOwnership.MAPPED_XATTR;

    /** What a file given to {@link #apply} is. */
    enum FileType { REGULAR, DIRECTORY, SYMLINK }

    /**
     * Gives {@code path} the layer's owner and permission bits in this strategy's way. Called after the file's
     * content is in place; a directory's only once everything in it is.
     *
     * @param mode the permission bits from the layer, {@code 07777} at most
     */
    void apply(Path path, FileType type, long uid, long gid, int mode) throws IOException;

    /** Whether symbolic links are stored as regular files holding their target (and read back so when resolving). */
    default boolean linksAsFiles() {
        return false;
    }

    /** {@link #NATIVE} when this process runs with effective uid 0, else {@link #KEEP_CALLER}. */
    static Ownership forThisProcess() {
        return effectiveUid() == 0 ? NATIVE : KEEP_CALLER;
    }

    private static long effectiveUid() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8);
            for (String line : lines) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: fall through
        }
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
