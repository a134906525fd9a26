package dev.jkata.agent.client;

import dev.jkata.api.Security;
import java.util.List;

/**
 * A container for the agent to create: its id, the storages to mount first (none when the sandbox's storages,
 * mounted once by CreateSandbox, hold everything it needs: Kata's way), the root file system path in the guest,
 * its init process, hostname and extra bind mounts. Translated to Kata's {@code CreateContainerRequest} with an
 * OCI spec by {@link OciSpecs}.
 *
 * @param rootReadonly whether the spec says its root is read-only ({@code root.readonly}): so for an agent that
 *                     stacks no writable layer over a read-only share
 * @param scratchDirs  container paths that get a tmpfs of their own (writable, empty, gone with the container)
 * @param security     masked and read-only paths, seccomp, read-only root (the capabilities are the init's)
 */
public record ContainerConfig(String containerId, String execId, List<StorageMount> storages, String rootfsGuestPath,
                              ProcessConfig init, String hostname, List<BindMount> mounts, boolean rootReadonly,
                              List<String> scratchDirs, Security security) {
    public ContainerConfig {
        storages = List.copyOf(storages);
        mounts = List.copyOf(mounts);
        scratchDirs = List.copyOf(scratchDirs);
        java.util.Objects.requireNonNull(security, "security");
    }

    /** With Docker's default masked and read-only paths and no seccomp filter. */
    public ContainerConfig(String containerId, String execId, List<StorageMount> storages, String rootfsGuestPath,
                           ProcessConfig init, String hostname, List<BindMount> mounts, boolean rootReadonly,
                           List<String> scratchDirs) {
        this(containerId, execId, storages, rootfsGuestPath, init, hostname, mounts, rootReadonly, scratchDirs,
                Security.defaults());
    }

    /** A container whose root the agent makes writable: no scratch directories. */
    public ContainerConfig(String containerId, String execId, List<StorageMount> storages, String rootfsGuestPath,
                           ProcessConfig init, String hostname, List<BindMount> mounts) {
        this(containerId, execId, storages, rootfsGuestPath, init, hostname, mounts, false, List.of());
    }
}
