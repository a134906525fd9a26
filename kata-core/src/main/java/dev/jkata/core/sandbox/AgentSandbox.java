package dev.jkata.core.sandbox;

import dev.jkata.agent.protocol.features.AgentFeature;
import dev.jkata.core.shim.ShimProcess;
import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.AgentClientConfig;
import dev.jkata.agent.client.BindMount;
import dev.jkata.agent.client.ContainerConfig;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.api.Container;
import dev.jkata.api.ContainerImage;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import dev.jkata.api.spi.ContainerRoots;
import dev.jkata.api.spi.SandboxLifecycle;
import dev.jkata.api.spi.Teardown;
import dev.jkata.api.SandboxSpec;
import dev.jkata.api.SandboxState;
import dev.jkata.core.containerimage.ContainerImages;
import dev.jkata.core.containerimage.LoggingPullListener;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.disk.ScratchDisk;
import dev.jkata.core.channel.DataChannel;
import java.util.Optional;
import dev.jkata.agent.client.StorageMount;
import dev.jkata.core.guest.GuestShare;
import dev.jkata.core.network.SandboxNetwork;
import dev.jkata.core.state.Reaper;
import dev.jkata.core.template.Templates;
import dev.jkata.core.state.StateDirectory;
import dev.jkata.core.state.StateRoot;
import dev.jkata.image.store.ImageStore;
import dev.jkata.image.store.LocalImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A sandbox: a guest from a {@link GuestLauncher} and the host's client of the agent in it. States move only
 * along {@link SandboxState#next()}; a call in the wrong state gets an {@link dev.jkata.api.IllegalSandboxStateException}
 * naming both states. Every container shares the root file system given at start (read-only, tag
 * {@value #ROOTFS_TAG}) and stacks its own writable overlay on it in the guest.
 */
final class AgentSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSandbox.class);
    /** The container root file system's share, by the tag Kata's runtime gives it. */
    static final String ROOTFS_TAG = "kataShared";
    /** How long a guest may take to power off after its power button, when the agent could not be asked to wind down. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);
    /** How long close() waits for the agent's health answer before it treats the guest as gone. */
    private static final Duration HEALTH_ON_CLOSE = Duration.ofSeconds(2);
    /** What closing every process may take together, before the ones left are abandoned to the VM's stop. */
    private static final Duration PROCESSES_ON_CLOSE = Duration.ofSeconds(10);
    /** How long a container's processes may take to end after SIGKILL, before RemoveContainer. */
    static final Duration CONTAINER_STOP = Duration.ofSeconds(10);
    /** Where the root file system's share is mounted, below the guest's shared root. */
    static final String CONTAINERS = "containers";
    /** The bound on the exec that warms a sandbox started for the pool. */
    private static final Duration WARM_EXEC = Duration.ofSeconds(30);

    private final String id;
    private final SandboxSpec spec;
    private final StateDirectory state;
    private final GuestLauncher launcher;
    private final Map<String, AgentContainer> containers = new ConcurrentHashMap<>();
    private SandboxShares shares;
    private final List<BindMount> userMounts = new ArrayList<>();
    private final SandboxLifecycle lifecycle;
    private Guest guest;
    private volatile boolean paused;
    private AgentClient agent;
    private AgentContainer defaultContainer;
    private Duration bootTime = Duration.ZERO;
    private Path rootfsHostDir;
    private ContainerImage image;
    private ImageStore.Lease imageLease;
    private boolean mappedOwners;
    private SandboxNetwork network;
    private ScratchDisk disk;
    /** The guest's data channel, when it has one (a VM; not a fake). */
    private Optional<DataChannel> data = Optional.empty();
    private WritableLayer writable;
    /** When a process's exit may be asked for, as the agent's features allow (learned once, at start). */
    private ShimProcess.WaitOrder waitOrder = ShimProcess.WaitOrder.AFTER_OUTPUT;
    /** What the agent said of itself at start: its version, storage drivers and features. */
    private dev.jkata.agent.client.GuestDetails agentDetails;
    /** The timer of the sandbox's {@link SandboxSpec#deadline() deadline}, or null. */
    private java.util.concurrent.ScheduledFuture<?> deadlineTimer;
    /** When this sandbox was taken from the pool, or null when its caller started it. */
    private volatile java.time.Instant takenFromPool;

    private AgentSandbox(String id, SandboxSpec spec, StateDirectory state, GuestLauncher launcher) {
        this.id = id;
        this.spec = spec;
        this.state = state;
        this.launcher = launcher;
        this.lifecycle = new SandboxLifecycle(id);
    }

    static AgentSandbox start(SandboxSpec spec, GuestLauncher launcher) {
        String id = Ids.next(6);
        Path root = StateRoot.prepare(spec.stateRoot().orElseGet(StateRoot::defaultRoot));
        Reaper.sweep(root, List.of(launcher));
        MDC.put("kata.sandbox", id);
        try {
            AgentSandbox sb = new AgentSandbox(id, spec, StateDirectory.create(root, id), launcher);
            try {
                sb.boot();
                return sb;
            } catch (RuntimeException e) {
                sb.fail(e);
                throw e;
            }
        } finally {
            MDC.remove("kata.sandbox");
        }
    }

    private void boot() {
        move(SandboxState.STARTING);
        ContainerSpec cs = spec.container();
        if (cs.image().isPresent()) {
            LocalImage local = ContainerImages.pull(cs.image().get(), cs.pullPolicy(), new LoggingPullListener(),
                    spec.registries());
            imageLease = ContainerImages.store().use(local);
            image = ContainerImages.describe(cs.image().get(), local);
            rootfsHostDir = local.rootfs();
            mappedOwners = local.mappedOwners();
        } else {
            rootfsHostDir = cs.rootfs().orElseGet(launcher::defaultRootfs);
        }
        defaults().user(cs.user()); // a bad user fails here, not after a guest has booted
        // so do a host port in use and an allowed name that does not resolve
        network = SandboxNetwork.prepare(spec, SandboxNetwork.withExposed(spec,
                image == null ? java.util.Set.of() : image.exposedPorts()), id, state.path());
        shares = SandboxShares.of(spec, new GuestShare(rootfsHostDir, ROOTFS_TAG, true, mappedOwners), state.path(), id);
        if (!spec.disk().isZero() && launcher.diskDirectory().isPresent()) {
            disk = ScratchDisk.create(launcher.diskDirectory().get(), id, spec.disk());
        }
        GuestRequest request = new GuestRequest(id, spec, state.path(), shares.all(),
                java.util.Optional.ofNullable(disk).map(ScratchDisk::guestDisk), network.nics());
        guest = Templates.enabled(spec) ? Templates.launch(request, launcher, TemplateWarmup::warm, Ids.next(6))
                : launcher.launch(request);
        userMounts.addAll(shares.mounts(this::sharedPath));
        agent = AgentClient.connect(guest.connectAgent(), AgentClientConfig.defaults());
        Guest g = guest;
        agent.onGuestDeath(() -> g.failure().orElse(null));
        // The boot timeout covers the guest from its launch, not building an image on a cold cache.
        Duration left = spec.bootTimeout().minus(guest.sinceLaunch());
        agent.awaitReady(left.isNegative() ? Duration.ofSeconds(1) : left,
                () -> guest.failure().map(f -> "the guest died while booting (" + bootedFrom(spec) + "): " + f).orElse(null));
        Duration ready = guest.sinceLaunch();
        if (guest.cloned()) {
            // a clone wakes with its template's random pool: its own before any user code runs (the clock: below)
            agent.reseedRandomDev(seed());
        }
        // Kata's way: the shared directories are the sandbox's, mounted once; a container's are paths below them
        List<StorageMount> storages = new ArrayList<>(shares.storages(this::sharedPath, sharedPath(CONTAINERS)));
        guest.diskDevice().ifPresent(dev -> storages.add(StorageMount.scratchDisk(dev)));
        agent.createSandbox(id, spec.container().hostname(), network.dns(), storages);
        dev.jkata.agent.client.GuestDetails details = agent.guestDetails();
        agentDetails = details;
        writable = WritableLayer.of(details);
        waitOrder = details.has(AgentFeature.WAIT_KEEPS_OUTPUT) ? ShimProcess.WaitOrder.ANY : ShimProcess.WaitOrder.AFTER_OUTPUT;
        if (!details.has(AgentFeature.IDLE_INIT)) {
            LOG.warn("Sandbox {}: the agent ({}) has no idle init of jkata's, so a container that only runs commands"
                    + " needs {} in its image", id, details.agentVersion(), ContainerProcesses.LEGACY_IDLE_INIT.get(0));
        }
        if (disk != null && !details.has(AgentFeature.WRITABLE_LAYER_ON_DISK)) {
            LOG.warn("Sandbox {}: the agent ({}) does not keep writable layers on the sandbox's disk: containers' writes"
                    + " take guest RAM", id, details.agentVersion());
        }
        if (!writable.byAgent()) {
            LOG.warn("Sandbox {}: the agent ({}) reports no '{}' storage driver, so it stacks no writable layer over a"
                    + " container's root: containers get {}", id, details.agentVersion(),
                    dev.jkata.agent.client.GuestDetails.OVERLAYFS, writable.describe());
        }
        // the data channel: published ports, allow-listed connections and file transfers travel there
        Optional<Path> dataSocket = guest.forwardSocket();
        SandboxNetwork net = network;
        data = dataSocket.map(s -> DataChannel.connect(s, net::inbound, id));
        network.start(guest, agent, data);
        userMounts.addAll(network.mounts());
        defaultContainer = newContainer(spec.container());
        // a clone wakes with its template's clock, a cold guest with the RTC's whole seconds: set to the host's, last,
        // so no step of the start is left between it and the user's first command
        agent.setGuestDateTime(java.time.Instant.now());
        bootTime = guest.sinceLaunch();
        move(SandboxState.RUNNING);
        spec.deadline().ifPresent(d -> deadlineTimer = dev.jkata.api.spi.SandboxDeadlines.schedule(id, d, () -> expire(d)));
        LOG.info("Sandbox {} running in {} ms: agent answered after {} ms, sandbox and default container {} ms ({}, {}, {} vCPU)",
                id, bootTime.toMillis(), ready.toMillis(), bootTime.minus(ready).toMillis(), guest.describe(),
                spec.memory(), spec.cpus());
    }

    private static final java.security.SecureRandom SEEDS = new java.security.SecureRandom();

    /** 64 bytes for the guest's random pool: twice what its generator's key holds. */
    private static byte[] seed() {
        byte[] b = new byte[64];
        SEEDS.nextBytes(b);
        return b;
    }

    /** Where the agent mounts storage {@code tag}: the guest decides the parent. */
    private String sharedPath(String tag) {
        return guest.sharedRoot() + "/" + tag;
    }

    /** What a container's processes get from the image (or the default root) beneath their own settings. */
    private ContainerDefaults defaults() {
        return new ContainerDefaults(rootfsHostDir, java.util.Optional.ofNullable(image), mappedOwners);
    }

    private AgentContainer newContainer(ContainerSpec cs) {
        java.util.Optional<Path> ownRoot = cs.rootfs().filter(r -> !r.equals(rootfsHostDir)).map(this::checkedRoot);
        if (cs.image().isPresent() && (image == null || !cs.image().get().equals(image.reference()))) {
            throw new InvalidConfigurationException("image", "every container of a sandbox shares the root file system"
                    + " given when it started (" + (image == null ? rootfsHostDir : image.reference())
                    + "); start another sandbox for " + cs.image().get());
        }
        String cid = Ids.next(6);
        // A virtio-9p tag mounts once per guest (a second mount is EBUSY): CreateSandbox mounted every share, and a
        // container's root and binds are paths below them; the agent stacks its writable layer (see WritableLayer).
        String root = ownRoot.map(r -> sharedPath(SandboxShares.ROOTS_TAG) + "/" + spec.containerRoots().orElseThrow()
                .relativize(r)).orElse(sharedPath(CONTAINERS));
        ContainerDefaults defaults = ownRoot.map(r -> new ContainerDefaults(r, java.util.Optional.<ContainerImage>empty(), false))
                .orElseGet(this::defaults);
        // PID 1: a job's own process, or jkata's idle init holding the container while commands run beside it
        ProcessConfig init = ContainerProcesses.init(cs, spec.env(), defaults, agentDetails);
        String initExecId = Ids.next(6);
        agent.createContainer(new ContainerConfig(cid, initExecId, List.of(), root, init, cs.hostname(), userMounts,
                writable.rootReadonly(), writable.scratchDirs(defaults.rootfs()), cs.security()));
        agent.startContainer(cid);
        AgentContainer c = new AgentContainer(this, agent, cid, initExecId, cs, spec.env(), defaults);
        if (cs.isJob()) {
            c.attachInit(init.terminal());
        }
        containers.put(cid, c);
        return c;
    }

    /**
     * {@code rootfs}, a container's own root file system, checked to be a directory inside the sandbox's
     * {@link SandboxSpec#containerRoots() container roots}: the only place another root can come from once the guest runs.
     */
    private Path checkedRoot(Path rootfs) {
        return ContainerRoots.checked(spec, image == null ? rootfsHostDir : image.reference(), rootfs);
    }

    /** What the guest booted from, for an error that must say which kernel or image failed. */
    private static String bootedFrom(SandboxSpec spec) {
        return spec.initrd().map(p -> "guest image " + p).orElse("the default guest image")
                + spec.kernel().map(k -> ", kernel " + k).orElse(", the default kernel");
    }

    /** The guest's data channel, for file transfers. */
    DataChannel dataChannel() {
        if (!agentDetails.has(AgentFeature.FILES)) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, "the agent (" + agentDetails.agentVersion()
                    + ") serves no file transfers (UNIMPLEMENTED: the Kata 1.x agent has no data channel); copy files"
                    + " with shares, or run jkata's agent", id, null);
        }
        return data.orElseThrow(() -> new KataException(KataErrorReason.ILLEGAL_STATE, "this sandbox's guest ("
                + guest.describe() + ") has no data channel, so its files cannot be reached from the host", id, null));
    }

    /** When a process's exit status may be asked for: after its output ended, unless the agent keeps unread output. */
    ShimProcess.WaitOrder waitOrder() {
        return waitOrder;
    }

    /** Runs {@code action} as an operation of this running sandbox (a close waits for it; see SandboxLifecycle). */
    <T> T whileRunning(String operation, java.util.function.Supplier<T> action) {
        return lifecycle.whileRunning(operation, action);
    }

    void requireRunning(String operation) {
        lifecycle.requireRunning(operation);
    }

    private void move(SandboxState to) {
        LOG.debug("Sandbox {}: {} -> {}", id, lifecycle.state(), to);
        lifecycle.moveTo(to);
    }

    @Override
    public String id() { return id; }

    @Override
    public SandboxState state() {
        if (lifecycle.state() == SandboxState.RUNNING && guest != null && guest.failure().isPresent()) {
            lifecycle.fail();
        }
        return lifecycle.state();
    }

    @Override
    public Container container() {
        requireRunning("container()");
        return defaultContainer;
    }

    @Override
    public Container createContainer(ContainerSpec cs) {
        return lifecycle.whileRunning("createContainer", () -> newContainer(cs));
    }

    /** Removes {@code c}: in the guest, Kata's way (SIGKILL, WaitProcess of its init, RemoveContainer). */
    void removeContainer(AgentContainer c) {
        containers.remove(c.id());
        if (state() == SandboxState.RUNNING) {
            c.removeFromGuest(CONTAINER_STOP);
        }
    }

    @Override
    public dev.jkata.api.SandboxStats stats() {
        return lifecycle.whileRunning("stats", () -> UsageReadings.sandbox(agent.statsContainer(defaultContainer.id()),
                guest.hypervisorPid()));
    }

    @Override
    public List<Container> containers() {
        return List.copyOf(containers.values());
    }

    @Override
    public Duration bootTime() { return bootTime; }

    @Override
    public synchronized void pause() {
        requireRunning("pause");
        if (!paused) {
            try {
                guest.pause();
            } catch (UnsupportedOperationException e) {
                throw new KataException(KataErrorReason.ILLEGAL_STATE, e.getMessage(), id, null);
            }
            paused = true;
            LOG.info("Sandbox {} paused", id);
        }
    }

    @Override
    public synchronized void resume() {
        requireRunning("resume");
        if (paused) {
            guest.resume();
            paused = false;
            LOG.info("Sandbox {} resumed", id);
        }
    }

    @Override
    public boolean paused() {
        return paused;
    }

    /**
     * Crashes the guest kernel on purpose (a non-maskable interrupt it panics on): for fault trials and for ending a
     * guest that answers nothing while leaving its console to say so. Every call in flight then fails with the VM's
     * end; {@link #close()} still cleans up.
     */
    void crashGuest() {
        requireRunning("crash the guest of");
        try {
            guest.injectNmi();
        } catch (UnsupportedOperationException e) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, e.getMessage(), id, null);
        }
        LOG.warn("Sandbox {}: guest crashed on purpose (NMI)", id);
    }

    /**
     * Starts a sandbox for the pool, and warms the path of an exec in it (under TCG a clone translates again every
     * guest instruction its first exec runs: about half a second): one command that does nothing in its default
     * container, jkata's own where the agent has it ({@link ContainerProcesses#noOp}). A warm-up that fails leaves the sandbox as it is.
     */
    static Sandbox startAhead(SandboxSpec spec, GuestLauncher launcher) {
        AgentSandbox sb = start(spec, launcher);
        try {
            sb.defaultContainer.run(dev.jkata.api.ExecSpec.builder(ContainerProcesses.noOp(sb.agentDetails))
                    .timeout(WARM_EXEC).build());
        } catch (RuntimeException e) {
            LOG.debug("warming the exec path of {} failed: {}", sb.id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sb;
    }

    /**
     * Readies a sandbox started ahead for the caller taking it from the pool: its guest must still answer, and its
     * clock is set again (it has run since it was started). False when it cannot be used; the pool then closes it.
     */
    static boolean takeFromPool(Sandbox pooled) {
        AgentSandbox a = (AgentSandbox) pooled;
        if (a.state() != SandboxState.RUNNING || a.paused || !a.agent.answers(HEALTH_ON_CLOSE)) {
            return false;
        }
        a.agent.setGuestDateTime(java.time.Instant.now());
        a.takenFromPool = java.time.Instant.now();
        LOG.info("Sandbox {} taken from the pool ({}, {} vCPU)", a.id, a.spec.memory(), a.spec.cpus());
        return true;
    }

    /** Whether this sandbox was started ahead and taken from the pool. */
    boolean fromPool() { return takenFromPool != null; }

    /** Whether this sandbox's guest was cloned from its configuration's VM template. */
    boolean cloned() { return guest != null && guest.cloned(); }

    /** The guest, for {@link Diagnostics}; null before it launched. */
    Guest guest() { return guest; }

    /** The agent client, for {@link Diagnostics}; null before the agent answered. */
    AgentClient agent() { return agent; }

    /** The guest's one-phrase description: its image form, whether it was cloned. */
    String describeGuest() { return guest == null ? "" : guest.describe(); }

    /** Tears down after a failed start, attaching secondary failures to the first. */
    private void fail(RuntimeException cause) {
        lifecycle.fail();
        if (guest != null) {
            guest.keepDiagnostics();
        }
        Teardown t = new Teardown(id);
        teardown(t, STOP_GRACE);
        t.attachTo(cause);
    }

    /**
     * The deadline passed: every waiter on one of its processes gets a {@link dev.jkata.api.KataTimeoutException}
     * saying so, and the sandbox closes.
     */
    private void expire(Duration deadline) {
        if (!lifecycle.beginClose()) {
            return;
        }
        LOG.warn("Sandbox {} reached its deadline of {}: closing it", id, deadline);
        dev.jkata.api.KataTimeoutException why = dev.jkata.api.spi.SandboxDeadlines.passed(id, deadline);
        containers.values().forEach(c -> c.expireProcesses(why));
        closeBegun();
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        closeBegun();
    }

    /** The close, once the lifecycle says it is this caller's to do. */
    private void closeBegun() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        Teardown failure = new Teardown(id);
        if (paused && guest != null && guest.failure().isEmpty()) {
            try {
                guest.resume(); // a frozen agent would answer nothing below
                paused = false;
            } catch (RuntimeException e) {
                failure.add(e);
            }
        }
        boolean guestDied = guest != null && guest.failure().isPresent();
        // a guest that does not answer a health check at once gets no more RPCs: each would wait out its deadline
        boolean answers = agent != null && !guestDied && agent.answers(HEALTH_ON_CLOSE);
        if (agent != null && !guestDied && !answers) {
            LOG.warn("Sandbox {}: the agent did not answer within {} ms; closing without it", id, HEALTH_ON_CLOSE.toMillis());
        }
        for (AgentContainer c : containers.values()) {
            try {
                c.closeProcesses(answers, PROCESSES_ON_CLOSE);
            } catch (RuntimeException e) {
                failure.add(e);
            }
        }
        // a guest that does not answer has nothing a polite power-off would save: shares are written through
        Duration grace = answers ? STOP_GRACE : Duration.ZERO;
        if (guestDied) {
            guest.keepDiagnostics();
        } else if (answers && removeAll()) {
            try {
                agent.destroySandbox();
                // the agent has removed every container and synced: the guest holds nothing that waiting would save
                grace = Duration.ZERO;
            } catch (RuntimeException e) {
                LOG.debug("DestroySandbox failed: {}", e.getMessage());
            }
        }
        teardown(failure, grace);
        lifecycle.closed();
        failure.finish();
    }

    /**
     * Removes every container from the guest before DestroySandbox, as Kata's runtime does (the Kata 1.x agent
     * refuses to destroy a sandbox whose containers run, and then holds its lock): false when one could not be
     * removed; DestroySandbox is then not sent, and the guest is powered off.
     */
    private boolean removeAll() {
        boolean all = true;
        for (AgentContainer c : List.copyOf(containers.values())) {
            try {
                c.removeFromGuest(CONTAINER_STOP);
            } catch (RuntimeException e) {
                LOG.debug("Sandbox {}: removing container {} failed: {}", id, c.id(), e.getMessage());
                all = false;
            }
        }
        return all;
    }

    @Override
    public java.net.InetSocketAddress publishedAddress(int guestPort) {
        requireRunning("publishedAddress");
        return network.publishedAddress(guestPort);
    }

    /** Closes the agent client, stops the guest (politely for {@code grace} first), removes the state directory. */
    private void teardown(Teardown t, Duration grace) {
        if (network != null) {
            t.step(network::close); // the host's ports are free at once, before the guest has stopped
        }
        data.ifPresent(d -> t.step(d::close));
        if (agent != null) {
            t.step(agent::close);
        }
        if (guest != null) {
            t.step(() -> guest.stop(grace));
        }
        if (network != null) {
            t.step(network::detach); // after the guest: QEMU had the taps open
        }
        t.step(state::close);
        if (disk != null) {
            t.step(disk::close); // after the guest: QEMU had it open
        }
        if (imageLease != null) {
            t.step(imageLease::close);
        }
    }

    @Override
    public String toString() {
        return "Sandbox[" + id + ", " + state() + "]";
    }
}
