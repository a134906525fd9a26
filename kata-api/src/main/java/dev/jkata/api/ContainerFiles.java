package dev.jkata.api;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's files, from the host: {@link Container#files()}, or {@link Sandbox#files()} for the default container.
 * Guest paths are absolute and name files as the container's processes see them (its own {@code /tmp}, volumes and
 * shares included); a symbolic link the container made never leads outside its root, and {@code /proc} and
 * {@code /sys} are refused. The bytes travel on the sandbox's data channel, streamed both ways: a 2 GiB artifact is
 * never held in memory. The work is the agent's, so an image without a shell or {@code tar} works as well.
 *
 * <p>Failures: a relative or refused guest path is an {@link InvalidConfigurationException} (field
 * {@code guestPath}); a missing file a {@link KataException} of {@link KataErrorReason#NOT_FOUND}; the guest's own
 * failure (ENOSPC, EIO, something in the way) one of {@link KataErrorReason#IO} quoting it.
 */
public interface ContainerFiles {

    /**
     * Copies a host file or directory into the container, as {@code docker cp} does: into {@code guestPath} when
     * that is a directory (keeping the source's name), else to {@code guestPath} itself. A directory is copied whole,
     * with its empty directories, modes, symbolic links (as links, never followed) and hard links (as links).
     * Files are written as root; each replaces what was there once whole.
     */
    void copyTo(Path hostFileOrDir, String guestPath);

    /**
     * Copies a container file or directory to the host, as {@code docker cp} does: into {@code hostTarget} when that
     * is an existing directory (keeping the guest's name), else to {@code hostTarget}, whose directory must exist. A
     * directory is copied whole, modes, symbolic links (as links) and hard links kept; a directory's copy must not
     * exist yet. Nothing the guest sends is written outside the copy: a guest name with a {@code /} or {@code ..} is
     * refused, and a symbolic link from the guest is created, never written through.
     */
    void copyFrom(String guestPath, Path hostTarget);

    /** A regular file's bytes, streamed; close the stream when done (early, to stop the transfer). */
    InputStream read(String guestPath);

    /** Writes {@code content} to a regular file of mode 0644, replacing what was there once whole. */
    default void write(String guestPath, InputStream content) {
        write(guestPath, content, 0644);
    }

    /** Writes {@code content} to a regular file of {@code mode}, replacing what was there once whole. */
    void write(String guestPath, InputStream content, int mode);

    /** A directory's entries, by name. */
    List<FileInfo> list(String guestDir);

    /** What is at {@code guestPath}; a symbolic link is described, not followed. */
    FileInfo stat(String guestPath);

    /** Whether anything is at {@code guestPath}. */
    default boolean exists(String guestPath) {
        try {
            stat(guestPath);
            return true;
        } catch (KataException e) {
            if (e.reason() == KataErrorReason.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Deletes a file, a symbolic link (not what it names), or a directory with everything in it. */
    void delete(String guestPath);

    /** Creates a directory and its missing parents (mode 0755); one that exists is left as it is. */
    void mkdirs(String guestPath);
}
