package dev.jkata.api;

import dev.jkata.api.spi.SandboxProvider;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a sandbox is started from, immutable and valid: the constructor checks every field and throws
 * {@link InvalidConfigurationException} naming the one to fix, so no provider is ever handed a spec it cannot use.
 * Made by {@link SandboxBuilder}; an implementation ({@link SandboxProvider}) turns it into a running {@link Sandbox}.
 *
 * @param kernel a guest kernel image, or empty for the default (Debian's, fetched into the cache)
 * @param kernelModules the kernel's module tree when its drivers are modules
 * @param initrd a prebuilt guest initrd, or empty to build (or reuse from the cache) the default image
 * @param nvdimm whether the guest root file system is an ext4 image mapped as an NVDIMM
 * @param memory the guest's RAM, at least 128 MiB
 * @param cpus virtual CPUs, 1 to 64
 * @param shares host directories and files the containers see
 * @param bootTimeout how long the VM may take until its agent answers, positive and at most 24 hours
 * @param accelerator how the virtual CPUs run
 * @param network what the guest may reach ({@link Network#none()} by default)
 * @param ports guest ports published on the host, at most one per guest port
 * @param publishExposed whether the container image's ExposedPorts (TCP) are published too, each on an ephemeral port
 * @param template whether the sandbox starts as a clone of its configuration's VM template ({@link SandboxBuilder#template})
 * @param containerRoots a host directory whose subdirectories are the root file systems of later containers
 *                       ({@link SandboxBuilder#containerRoots}), or empty
 * @param pool how many more sandboxes of this spec are kept started ahead, for the next starts ({@link SandboxBuilder#pool})
 * @param disk the size of the sandbox's own scratch disk, which holds its containers' writes
 *             ({@link SandboxBuilder#disk}), or {@link MemorySize#ZERO} for none (writes then take guest RAM)
 * @param deadline how long the sandbox may live before it is closed ({@link SandboxBuilder#deadline}), or empty
 * @param registries how this sandbox's image pulls reach registries, on top of the JVM's settings
 */
public record SandboxSpec(Optional<Path> kernel, Optional<Path> kernelModules, Optional<Path> initrd, boolean nvdimm,
                          MemorySize memory, int cpus, List<Share> shares, Map<String, String> env,
                          Duration bootTimeout, Accelerator accelerator, ContainerSpec container, Optional<Path> stateRoot,
                          Network network, List<PublishedPort> ports, boolean publishExposed, boolean template,
                          Optional<Path> containerRoots, int pool, MemorySize disk, Optional<Duration> deadline,
                          Registries registries) {

    /** The smallest scratch disk: room for ext4's own tables and a container's first writes. */
    public static final MemorySize MIN_DISK = MemorySize.ofMiB(64);
    /** The largest: what ext4 with 4 KiB blocks and no 64-bit feature holds. */
    public static final MemorySize MAX_DISK = MemorySize.ofMiB(16L << 20);

    public SandboxSpec {
        kernel = present(kernel, "kernel");
        kernelModules = present(kernelModules, "kernel modules");
        initrd = present(initrd, "image");
        stateRoot = present(stateRoot, "stateRoot");
        containerRoots = present(containerRoots, "containerRoots").map(r -> r.toAbsolutePath().normalize());
        if (memory == null || memory.toMiB() < 128) {
            throw new InvalidConfigurationException("memory", "must be at least 128M (the guest kernel and agent need it), not " + memory);
        }
        if (cpus < 1 || cpus > 64) {
            throw new InvalidConfigurationException("cpus", "must be between 1 and 64, not " + cpus);
        }
        if (bootTimeout == null || bootTimeout.isNegative() || bootTimeout.isZero() || bootTimeout.toHours() > 24) {
            throw new InvalidConfigurationException("bootTimeout", "must be positive and at most 24 hours, not " + bootTimeout);
        }
        if (accelerator == null) {
            throw new InvalidConfigurationException("accelerator", "must not be null; Accelerator.AUTO is the default");
        }
        kernel.ifPresent(k -> requireReadable("kernel", k));
        initrd.ifPresent(i -> requireReadable("image", i));
        if (kernelModules.isPresent() && !Files.isDirectory(kernelModules.get())) {
            throw new InvalidConfigurationException("kernel modules", kernelModules.get() + " is not a directory");
        }
        if (container == null) {
            throw new InvalidConfigurationException("container", "must not be null; ContainerSpec.defaults() is the default");
        }
        if (network == null) {
            throw new InvalidConfigurationException("network", "must not be null; Network.none() is the default");
        }
        if (network instanceof Network.Namespace && pool > 0) {
            throw new InvalidConfigurationException("pool", "sandboxes started ahead cannot all join one network"
                    + " namespace's interfaces (" + network + "); drop pool() or use another network");
        }
        shares = List.copyOf(notNull(shares, "share"));
        shares.forEach(Share::check);
        env = Map.copyOf(notNull(env, "env"));
        ports = List.copyOf(notNull(ports, "publish"));
        if (containerRoots.isPresent() && !Files.isDirectory(containerRoots.get())) {
            throw new InvalidConfigurationException("containerRoots", containerRoots.get() + " is not a directory on the host");
        }
        if (disk == null || !disk.isZero() && (disk.compareTo(MIN_DISK) < 0 || disk.compareTo(MAX_DISK) > 0)) {
            throw new InvalidConfigurationException("disk", "must be between " + MIN_DISK + " and " + MAX_DISK
                    + ", or MemorySize.ZERO (noDisk()) for none, not " + disk);
        }
        deadline = present(deadline, "deadline");
        if (registries == null) {
            throw new InvalidConfigurationException("registries", "must not be null; Registries.none() is the default");
        }
        if (deadline.isPresent() && (deadline.get().isNegative() || deadline.get().isZero())) {
            throw new InvalidConfigurationException("deadline", "must be positive, not " + deadline.get());
        }
        if (pool < 0 || pool > SandboxBuilder.MAX_POOL) {
            throw new InvalidConfigurationException("pool", "must be between 0 and " + SandboxBuilder.MAX_POOL + ", not " + pool);
        }
        if (pool > 0) {
            for (PublishedPort port : ports) {
                if (port.hostPort() != 0) {
                    throw new InvalidConfigurationException("pool", "sandboxes started ahead cannot share the fixed"
                            + " host port " + port.hostPort() + " (guest port " + port.guestPort() + "); publish it on"
                            + " an ephemeral port (publish(" + port.guestPort() + ")) or drop pool()");
                }
            }
        }
    }

    private static <T> Optional<T> present(Optional<T> o, String field) {
        if (o == null) {
            throw new InvalidConfigurationException(field, "must not be null; pass Optional.empty() for the default");
        }
        return o;
    }

    private static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new InvalidConfigurationException(field, "must not be null; pass an empty collection for none");
        }
        return value;
    }

    private static void requireReadable(String field, Path p) {
        if (!Files.isReadable(p)) {
            throw new InvalidConfigurationException(field, p + " does not exist or is not readable");
        }
    }

    /**
     * A host directory visible in the sandbox's containers at {@code guestPath}.
     *
     * @param readOnly when true the guest cannot write to it
     */
    public record Share(Path hostPath, String guestPath, boolean readOnly) {

        /** A directory, or a file of at most {@link SandboxBuilder#MAX_SHARED_FILE_MIB} MiB, at a valid guest path. */
        void check() {
            if (hostPath == null || !Files.isDirectory(hostPath) && !Files.isRegularFile(hostPath)) {
                throw new InvalidConfigurationException("share", hostPath + " is not a directory or a file on the host");
            }
            try {
                if (Files.isRegularFile(hostPath) && Files.size(hostPath) > ((long) SandboxBuilder.MAX_SHARED_FILE_MIB << 20)) {
                    throw new InvalidConfigurationException("share", hostPath + " is larger than "
                            + SandboxBuilder.MAX_SHARED_FILE_MIB + " MiB; share its directory instead");
                }
            } catch (java.io.IOException e) {
                throw new InvalidConfigurationException("share", "cannot read " + hostPath + ": " + e.getMessage());
            }
            Specs.guestMountPoint(guestPath, "share");
        }
    }
}
