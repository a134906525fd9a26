package dev.jkata.agent.storage;

import java.nio.file.Path;
import java.util.List;

/**
 * Mounts and unmounts file systems. The real one runs busybox {@code mount}; tests use a fake that records.
 * Failures are {@link dev.jkata.agent.errors.AgentException}s with reason INTERNAL and the command's message.
 */
public interface Mounter {

    /** {@code mount -t fsType [-o options] source target}; the target directory must exist. */
    void mount(String source, Path target, String fsType, List<String> options);

    /** Drops the clean buffers the kernel holds of block device {@code device} ({@code blockdev --flushbufs}). */
    void flushBuffers(Path device);

    /** Drops every clean page the kernel caches ({@code echo 3 > /proc/sys/vm/drop_caches}); a fake does nothing. */
    default void dropCaches() {
    }

    /** The kernel's last few log lines that name {@code device}'s base name, for an error message; empty if none. */
    default String kernelLog(String device) {
        return "";
    }

    /** Unmounts {@code target}; when it is busy, detaches it lazily. */
    void unmount(Path target);
}
