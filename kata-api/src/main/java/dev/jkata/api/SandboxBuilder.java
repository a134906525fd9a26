package dev.jkata.api;

import dev.jkata.api.spi.SandboxProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The fluent way to a {@link Sandbox}. Setters are named after what they set; {@link #start()} validates
 * everything and says what to fix. Every setting has a default: {@code Sandbox.builder().start()} boots the
 * default kernel and image from the cache (building them on first use), 512 MiB, 1 vCPU.
 */
public final class SandboxBuilder {
    /** The most sandboxes {@link #pool} keeps ahead for one configuration. */
    public static final int MAX_POOL = 8;
    /** The default scratch disk's size in GiB (its apparent size: the host file is sparse). */
    public static final int DEFAULT_DISK_GIB = 8;
    private static final MemorySize DEFAULT_DISK = MemorySize.ofGiB(DEFAULT_DISK_GIB);
    /** The largest file {@link #share} copies into a sandbox. */
    public static final int MAX_SHARED_FILE_MIB = 16;

    private Path kernel;
    private Path kernelModules;
    private Path initrd;
    private boolean nvdimm;
    private MemorySize memory = MemorySize.ofMiB(512);
    private boolean template = true;
    private int pool;
    private Path containerRoots;
    private int cpus = 1;
    private final List<SandboxSpec.Share> shares = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration bootTimeout = Duration.ofSeconds(90);
    private Accelerator accelerator = Accelerator.AUTO;
    private ContainerSpec container = ContainerSpec.defaults();
    private Path stateRoot;
    private SandboxProvider provider;
    private Network network = Network.none();
    private final List<PublishedPort> ports = new ArrayList<>();
    private boolean publishExposed;
    private MemorySize disk = DEFAULT_DISK;
    private Duration deadline;
    private Registries registries = Registries.none();

    SandboxBuilder() {}

    /** A guest kernel whose drivers are built in. */
    public SandboxBuilder kernel(Path vmlinuz) {
        this.kernel = notNull(vmlinuz, "kernel", "leave it unset for the default kernel");
        return this;
    }

    /** A guest kernel and its module tree ({@code lib/modules/VERSION}). */
    public SandboxBuilder kernel(Path vmlinuz, Path modulesDir) {
        this.kernel = notNull(vmlinuz, "kernel", "leave it unset for the default kernel");
        this.kernelModules = modulesDir;
        return this;
    }

    /**
     * A prebuilt <em>guest image</em> (an initrd that boots the VM and starts the jkata agent). Not to be confused
     * with the container image that runs in it: see {@link #image(String)}.
     */
    public SandboxBuilder guestImage(Path guestInitrd) {
        this.initrd = notNull(guestInitrd, "image", "leave it unset for the default guest image");
        return this;
    }

    /** Same as {@link #guestImage(Path)}. */
    public SandboxBuilder initrd(Path guestInitrd) {
        return guestImage(guestInitrd);
    }

    /**
     * Same as {@link #guestImage(Path)}.
     *
     * @deprecated the name reads as a container image; use {@link #guestImage(Path)}, or {@link #image(String)}
     *     for the container image
     */
    @Deprecated
    public SandboxBuilder image(Path guestInitrd) {
        return guestImage(guestInitrd);
    }

    /**
     * The <em>container image</em> the default container runs ({@code alpine:3.20}, {@code host:port/name:tag}),
     * pulled on first use; shorthand for {@code container(ContainerSpec.builder().image(reference)...)} keeping the
     * container's other settings.
     */
    public SandboxBuilder image(String reference) {
        this.container = new ContainerSpec(Optional.empty(), Optional.ofNullable(reference), container.pullPolicy(),
                container.env(), container.workdir(), container.user(), container.hostname(), container.process(),
                container.security());
        return this;
    }

    /** Boot the root file system from an ext4 image mapped as an NVDIMM instead of an initrd. */
    public SandboxBuilder nvdimm() {
        this.nvdimm = true;
        return this;
    }

    public SandboxBuilder memory(MemorySize size) {
        this.memory = size;
        return this;
    }

    /**
     * The size of the sandbox's own scratch disk ({@value #DEFAULT_DISK_GIB} GiB by default): its containers' writes
     * (the writable layer over each root) go there, not into guest RAM. The disk is a sparse file on the host, in
     * the cache directory's {@code disks/}, allocated as the guest writes (and given back as it deletes), and deleted
     * when the sandbox closes; writing past its size is ENOSPC in the job, nothing worse. Between
     * {@link SandboxSpec#MIN_DISK} and {@link SandboxSpec#MAX_DISK}; the start refuses a size beyond what that file
     * system has free.
     */
    public SandboxBuilder disk(MemorySize size) {
        this.disk = notNull(size, "disk", "pass a size, or call noDisk()");
        return this;
    }

    /** No scratch disk: containers' writes take guest RAM (a tmpfs of half of it), as before there were disks. */
    public SandboxBuilder noDisk() {
        this.disk = MemorySize.ZERO;
        return this;
    }

    /**
     * Closes the sandbox when {@code limit} has passed since it started running, whatever it is doing: a build
     * server's guard against a job it forgot. Whoever waits on one of its processes then gets a
     * {@link KataTimeoutException} that says the deadline passed. None by default.
     */
    public SandboxBuilder deadline(Duration limit) {
        this.deadline = notNull(limit, "deadline", "pass a positive duration");
        return this;
    }

    /**
     * How this sandbox's image pulls reach registries, on top of the JVM's settings: logins, CA certificates, plain-HTTP
     * registries of its own (see {@link Registries}). A build server gives each job its own.
     */
    public SandboxBuilder registries(Registries access) {
        this.registries = notNull(access, "registries", "pass Registries.none() for the JVM's settings alone");
        return this;
    }

    public SandboxBuilder cpus(int count) {
        this.cpus = count;
        return this;
    }

    /**
     * Shares a host directory into the containers at {@code guestPath}, or a host file: a file is copied when the
     * sandbox starts (at most {@value #MAX_SHARED_FILE_MIB} MiB) and bound read-only at {@code guestPath}, as an
     * engine binds /etc/hosts or /etc/resolv.conf; its directory's other files never reach the guest.
     */
    public SandboxBuilder share(Path hostDir, String guestPath, boolean readOnly) {
        shares.add(new SandboxSpec.Share(hostDir, guestPath, readOnly));
        return this;
    }

    /** An environment variable for every process in the sandbox. */
    public SandboxBuilder env(String key, String value) {
        Specs.envEntry(key, value, "env");
        env.put(key, value);
        return this;
    }

    /** How long the VM may take until its agent answers (default 90 s: software emulation is slow). */
    public SandboxBuilder bootTimeout(Duration timeout) {
        this.bootTimeout = timeout;
        return this;
    }

    /** How the virtual CPUs run: {@link Accelerator#AUTO} (default: KVM when it can boot a stock guest, else TCG), KVM or TCG. */
    public SandboxBuilder accelerator(Accelerator accelerator) {
        this.accelerator = notNull(accelerator, "accelerator", "Accelerator.AUTO is the default");
        return this;
    }

    /** {@link #accelerator(Accelerator)} by name: "auto", "kvm" or "tcg" (a command line's or a config file's). */
    public SandboxBuilder accelerator(String name) {
        return accelerator(Accelerator.parse(name));
    }

    /**
     * The default container's spec. The default container holds the sandbox for {@link Sandbox#run}/{@link Sandbox#exec}
     * and outlives each command, so its init is jkata's idle init: a job ({@link ContainerSpec#process()}) is started
     * with {@link Sandbox#createContainer} instead.
     */
    public SandboxBuilder container(ContainerSpec spec) {
        if (spec != null && spec.isJob()) {
            throw new InvalidConfigurationException("container", "the default container outlives every command, so it"
                    + " cannot have a process of its own; start the job with sandbox.createContainer(spec) once the sandbox"
                    + " runs");
        }
        this.container = spec;
        return this;
    }

    /** What the guest may reach: {@link Network#none()} (the default), {@link Network#nat()}, or NAT with an allow-list. */
    public SandboxBuilder network(Network network) {
        if (network == null) {
            throw new InvalidConfigurationException("network", "must not be null; Network.none() is the default");
        }
        this.network = network;
        return this;
    }

    /** Publishes {@code guestPort} on an ephemeral port of the host's 127.0.0.1: see {@link Sandbox#hostPort(int)}. */
    public SandboxBuilder publish(int guestPort) {
        return publish(PublishedPort.of(guestPort));
    }

    /** Publishes a guest port on the host address and port given. */
    public SandboxBuilder publish(PublishedPort port) {
        if (port == null) {
            throw new InvalidConfigurationException("publish", "must not be null");
        }
        for (PublishedPort p : ports) {
            if (p.guestPort() == port.guestPort()) {
                throw new InvalidConfigurationException("publish", "guest port " + port.guestPort() + " is published twice");
            }
            if (p.hostPort() != 0 && p.hostPort() == port.hostPort()) {
                throw new InvalidConfigurationException("publish", "host port " + port.hostPort() + " is given twice");
            }
        }
        ports.add(port);
        return this;
    }

    /**
     * Publishes every TCP port the container image declares (its ExposedPorts) that is not published already, each on
     * an ephemeral port of 127.0.0.1, as {@code docker run -P} does; without an image, nothing more.
     */
    public SandboxBuilder publishExposedPorts() {
        this.publishExposed = true;
        return this;
    }

    /**
     * Whether the sandbox starts as a clone of its configuration's VM template (on by default): a guest booted once,
     * its agent warmed, saved to the cache and mapped copy-on-write by every later sandbox of that configuration, so
     * that a start costs a fraction of a cold boot. The first start of a configuration builds the template, a little
     * more than one cold start. Clones share the template's memory until they write to it: the kernel's and the
     * agent's address layout included (never anything of a user's: templates hold no sandbox's data), and the random
     * pool is reseeded before user code runs. {@code false} boots this sandbox cold; {@code -Dkata.templates=false}
     * boots every sandbox of the JVM cold. A sandbox that {@link Network#namespace joins a network namespace} is
     * cloned from a template with as many network devices, built with taps of a namespace of its own.
     */
    public SandboxBuilder template(boolean template) {
        this.template = template;
        return this;
    }

    /**
     * A host directory whose subdirectories may be the root file systems of containers created later in this
     * sandbox ({@code createContainer(ContainerSpec.builder().rootfs(dir.resolve("app")).build())}), each with its
     * own writable layer in the guest. The directory is shared read-only once, when the sandbox starts, and is not
     * visible inside any container; what appears in it later (a directory, or a bind mount of another root file
     * system made on the host) is seen by the guest as it appears. This is how the OCI runtime gives each container
     * of a pod its own root file system in the pod's one VM.
     */
    public SandboxBuilder containerRoots(Path dir) {
        this.containerRoots = notNull(dir, "containerRoots", "leave it unset when every container shares the sandbox's root");
        return this;
    }

    /**
     * Keeps {@code sandboxes} more sandboxes of exactly this configuration started ahead (0, the default, keeps
     * none; at most {@value #MAX_POOL}), so that a later {@code start()} of the same settings takes one that is
     * already running: its guest restored, agent connected, clock set, random pool reseeded, default container
     * created. The pool fills in the background after each start, one sandbox at a time, and is closed with the
     * JVM. A pooled sandbox pulled its container image and mounted its shares when it was started ahead; its clock is
     * set again when it is taken. Sandboxes with a fixed host port cannot be pooled (two would need the same port).
     */
    public SandboxBuilder pool(int sandboxes) {
        this.pool = sandboxes;
        return this;
    }

    /** Where sandboxes keep their state directories (default: $XDG_RUNTIME_DIR/jkata or /run/jkata). */
    public SandboxBuilder stateRoot(Path dir) {
        this.stateRoot = notNull(dir, "stateRoot", "leave it unset for $XDG_RUNTIME_DIR/jkata or /run/jkata");
        return this;
    }

    /** Uses this provider instead of the one {@link ServiceLoader} finds (a fake, in tests). */
    public SandboxBuilder provider(SandboxProvider p) {
        this.provider = notNull(p, "provider", "leave it unset for the one found on the class path");
        return this;
    }

    /** The settings as an immutable spec; the spec checks itself and says what to fix (see {@link SandboxSpec}). */
    public SandboxSpec toSpec() {
        return new SandboxSpec(Optional.ofNullable(kernel), Optional.ofNullable(kernelModules), Optional.ofNullable(initrd),
                nvdimm, memory, cpus, shares, env, bootTimeout, accelerator, container, Optional.ofNullable(stateRoot),
                network, ports, publishExposed, template,
                Optional.ofNullable(containerRoots), pool, disk, Optional.ofNullable(deadline), registries);
    }

    private static <T> T notNull(T value, String field, String hint) {
        if (value == null) {
            throw new InvalidConfigurationException(field, "must not be null; " + hint);
        }
        return value;
    }

    /** Validates, boots the VM and waits until its agent answers. */
    public Sandbox start() {
        SandboxSpec spec = toSpec();
        SandboxProvider p = provider != null ? provider : ServiceLoader.load(SandboxProvider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(SandboxProvider::isAvailable)
                .max(Comparator.comparingInt(SandboxProvider::priority))
                .orElseThrow(() -> new MissingHostDependencyException("a sandbox provider (kata-core on the class path)",
                        "add the dependency dev.jkata:kata-core to your build"));
        return p.start(spec);
    }
}
