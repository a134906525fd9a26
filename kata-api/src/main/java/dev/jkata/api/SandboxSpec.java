package dev.jkata.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a sandbox is started from, validated and immutable. Produced by {@link SandboxBuilder}; an
 * implementation ({@link SandboxProvider}) turns it into a running {@link Sandbox}.
 *
 * @param kernel a guest kernel image, or empty for the default (Debian's, fetched into the cache)
 * @param kernelModules the kernel's module tree when its drivers are modules
 * @param initrd a prebuilt guest initrd, or empty to build (or reuse from the cache) the default image
 * @param nvdimm whether the guest root file system is an ext4 image mapped as an NVDIMM
 * @param accelerator "auto", "kvm" or "tcg"
 * @param network what the guest may reach ({@link Network#none()} by default)
 * @param ports guest ports published on the host, at most one per guest port
 * @param publishExposed whether the container image's ExposedPorts (TCP) are published too, each on an ephemeral port
 * @param template whether the sandbox starts as a clone of its configuration's VM template ({@link SandboxBuilder#template})
 * @param containerRoots a host directory whose subdirectories are the root file systems of later containers
 *                       ({@link SandboxBuilder#containerRoots}), or empty
 * @param pool how many more sandboxes of this spec are kept started ahead, for the next starts ({@link SandboxBuilder#pool})
 */
public record SandboxSpec(Optional<Path> kernel, Optional<Path> kernelModules, Optional<Path> initrd, boolean nvdimm,
                          MemorySize memory, int cpus, List<Share> shares, Map<String, String> env,
                          Duration bootTimeout, String accelerator, ContainerSpec container, Optional<Path> stateRoot,
                          Network network, List<PublishedPort> ports, boolean publishExposed, boolean template,
                          Optional<Path> containerRoots, int pool) {

    public SandboxSpec {
        shares = List.copyOf(shares);
        env = Map.copyOf(env);
        java.util.Objects.requireNonNull(network, "network");
        ports = List.copyOf(ports);
    }

    /**
     * A host directory visible in the sandbox's containers at {@code guestPath}.
     *
     * @param readOnly when true the guest cannot write to it
     */
    public record Share(Path hostPath, String guestPath, boolean readOnly) {}
}
