package dev.jkata.qemu.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory shared with the guest over virtio-9p.
 *
 * @param hostDir  the directory on the host
 * @param mountTag the tag the guest mounts it by, {@value #DEFAULT_TAG} unless told otherwise
 * @param readOnly whether QEMU refuses guest writes
 */
public record SharedDir(Path hostDir, String mountTag, boolean readOnly) {
    /** The tag of the container rootfs share in Kata. */
    public static final String DEFAULT_TAG = "kataShared";

    public SharedDir {
        hostDir = Objects.requireNonNull(hostDir, "hostDir").toAbsolutePath();
        Objects.requireNonNull(mountTag, "mountTag");
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
