package dev.jkata.qemu.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory shared with the guest over virtio-9p.
 *
 * @param hostDir  the directory on the host
 * @param mountTag the tag the guest mounts it by, {@value #DEFAULT_TAG} unless told otherwise
 * @param readOnly whether QEMU refuses guest writes
 * @param mappedOwners whether owners, modes and file types come from {@code user.virtfs.*} extended attributes
 *        (9p's mapped-xattr model: a tree unpacked by a user who could not chown) rather than from the files
 */
public record SharedDir(Path hostDir, String mountTag, boolean readOnly, boolean mappedOwners) {
    /** The tag of the container rootfs share in Kata. */
    public static final String DEFAULT_TAG = "kataShared";

    public SharedDir {
        hostDir = Objects.requireNonNull(hostDir, "hostDir").toAbsolutePath();
        Objects.requireNonNull(mountTag, "mountTag");
    }

    public SharedDir(Path hostDir, String mountTag, boolean readOnly) {
        this(hostDir, mountTag, readOnly, false);
    }

    /** A read-only share tagged {@value #DEFAULT_TAG}. */
    public static SharedDir readOnly(Path hostDir) {
        return new SharedDir(hostDir, DEFAULT_TAG, true);
    }

    /** A share the guest may write into, tagged as given. */
    public static SharedDir readWrite(Path hostDir, String mountTag) {
        return new SharedDir(hostDir, mountTag, false);
    }
}
