package dev.jkata.agent.client;

import java.util.List;

/**
 * A container for the agent to create: its id, the storages to mount first, the root file system path in
 * the guest, its init process, hostname and extra bind mounts. Translated to Kata's
 * {@code CreateContainerRequest} with an OCI spec by {@link OciSpecs}.
 */
public record ContainerConfig(String containerId, String execId, List<StorageMount> storages, String rootfsGuestPath,
                              ProcessConfig init, String hostname, List<BindMount> mounts) {
    public ContainerConfig {
        storages = List.copyOf(storages);
        mounts = List.copyOf(mounts);
    }
}
