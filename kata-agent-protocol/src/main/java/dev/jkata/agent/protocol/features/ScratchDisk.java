package dev.jkata.agent.protocol.features;

import java.util.List;

/**
 * The sandbox's scratch disk: a virtio-blk device backed by a sparse file on the host, formatted ext4 by the host, sent
 * in CreateSandbox as Kata's {@code blk} storage mounted at {@link #MOUNT_POINT}. An agent with
 * {@link AgentFeature#WRITABLE_LAYER_ON_DISK} puts every container's writable layer (the overlay's upper and work
 * directories, {@code <MOUNT_POINT>/<container id>/}) there instead of on a tmpfs, so a job's writes take disk, not
 * guest RAM, and deletes that layer when the container is removed. Any other agent mounts the disk and leaves it unused.
 */
public final class ScratchDisk {
    /** Kata's storage driver for a virtio-blk device; the source is the device node. */
    public static final String DRIVER = "blk";
    /** The file system the host makes on it. */
    public static final String FS_TYPE = "ext4";
    /**
     * Mount options: the host's file is sparse, so the inode tables are zeros already ({@code noinit_itable}: no
     * background zeroing that would allocate them), and a delete gives its blocks back to the host ({@code discard}).
     */
    public static final List<String> OPTIONS = List.of("noinit_itable", "discard");
    /** Where the agent mounts it. */
    public static final String MOUNT_POINT = "/run/kata-containers/sandbox/disk";

    private ScratchDisk() {
    }
}
