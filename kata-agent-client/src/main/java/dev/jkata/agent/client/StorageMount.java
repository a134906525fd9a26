package dev.jkata.agent.client;

import dev.jkata.agent.protocol.features.ScratchDisk;
import java.util.List;

/**
 * A storage the agent mounts before it creates a container (Kata's {@code Storage} message): for a 9p
 * share, driver {@code 9p}, source the mount tag, fstype {@code 9p}, options such as {@code trans=virtio}.
 */
public record StorageMount(String driver, String source, String fstype, List<String> options, String mountPoint) {
    public StorageMount {
        options = List.copyOf(options);
    }

    /**
     * A virtio-9p share as Kata's runtime sends it: its mount point ends in {@code /}, as Kata's
     * {@code /run/kata-containers/shared/containers/} does (the Kata 1.x agent creates only the parent of a 9p
     * target, and the parent of {@code DIR/} is {@code DIR}); one given without the slash gets it.
     */
    public static StorageMount ninePee(String mountTag, String mountPoint, boolean readOnly) {
        List<String> opts = readOnly
                ? List.of("trans=virtio", "version=9p2000.L", "cache=mmap", "ro")
                : List.of("trans=virtio", "version=9p2000.L", "cache=mmap");
        return new StorageMount("9p", mountTag, "9p", opts, mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
    }

    /** The sandbox's scratch disk, block device {@code device}, as Kata's {@code blk} storage (see {@link ScratchDisk}). */
    public static StorageMount scratchDisk(String device) {
        return new StorageMount(ScratchDisk.DRIVER, device, ScratchDisk.FS_TYPE, ScratchDisk.OPTIONS, ScratchDisk.MOUNT_POINT);
    }
}
