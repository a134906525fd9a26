package dev.jkata.core.sandbox;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.AgentClientConfig;
import dev.jkata.agent.client.BindMount;
import dev.jkata.agent.client.ContainerConfig;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.agent.client.StorageMount;
import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxLifecycle;
import dev.jkata.api.SandboxSpec;
import dev.jkata.api.SandboxState;
import dev.jkata.core.cache.CacheDirectory;
import dev.jkata.core.image.BusyboxRootfs;
import dev.jkata.core.image.GuestImage;
import dev.jkata.core.image.GuestImageBuilder;
import dev.jkata.core.image.ImageForm;
import dev.jkata.core.kernel.GuestKernel;
import dev.jkata.core.progress.Progress;
import dev.jkata.core.state.Reaper;
import dev.jkata.core.state.StateDirectory;
import dev.jkata.qemu.QemuHypervisor;
import dev.jkata.qemu.QemuVm;
import dev.jkata.qemu.accel.Accelerator;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.config.SharedDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A sandbox backed by a QEMU VM. States move only along {@link SandboxState#next()}; a call in the wrong
 * state gets an {@link IllegalSandboxStateException} naming both states.
 */
final class QemuSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(QemuSandbox.class);
    static final String SHARED_CONTAINERS = "/run/kata-containers/shared/containers";
    private static final String ROOTFS_TAG = SharedDir.DEFAULT_TAG;
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    private final String id;
    private final SandboxSpec spec;
    private final StateDirectory state;
    private final Map<String, AgentContainer> containers = new ConcurrentHashMap<>();
    private final List<SharedDir> shares = new ArrayList<>();
    private final List<BindMount> userMounts = new ArrayList<>();
    private final SandboxLifecycle lifecycle;
    private QemuVm vm;
    private AgentClient agent;
    private ConsoleForwarder console;
    private AgentContainer defaultContainer;
    private Duration bootTime = Duration.ZERO;
    private Path rootfsHostDir;

    private QemuSandbox(String id, SandboxSpec spec, StateDirectory state) {
        this.id = id;
        this.spec = spec;
        this.state = state;
        this.lifecycle = new SandboxLifecycle(id);
    }

    static QemuSandbox start(SandboxSpec spec) {
        String id = Ids.next(6);
        Path root = spec.stateRoot().orElseGet(StateDirectory::defaultRoot);
        Reaper.sweep(root);
        MDC.put("kata.sandbox", id);
        try {
            QemuSandbox sb = new QemuSandbox(id, spec, StateDirectory.create(root, id));
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
        CacheDirectory cache = CacheDirectory.defaultLocation();
        Progress progress = Progress.logging();
        GuestImage image = image(cache, progress);
        requireRoomFor(image);
        rootfsHostDir = spec.container().rootfs().orElseGet(() -> BusyboxRootfs.get(cache, progress));
        // The boot timeout covers the VM, not building the image on a cold cache.
        long t0 = System.nanoTime();
        shares.add(new SharedDir(rootfsHostDir, ROOTFS_TAG, true));
        int n = 0;
        for (SandboxSpec.Share s : spec.shares()) {
            String tag = "jkshare" + n++;
            shares.add(new SharedDir(s.hostPath(), tag, s.readOnly()));
            userMounts.add(new BindMount("/run/kata-containers/shared/" + tag, s.guestPath(), s.readOnly()));
        }
        QemuConfig.Builder cfg = QemuConfig.builder()
                .name("kata-" + id)
                .accelerator(Accelerator.valueOf(spec.accelerator().toUpperCase(java.util.Locale.ROOT)))
                .kernel(image.kernel().vmlinuz()).initrd(image.initrd()).append(image.kernelCommandLine())
                .memory(spec.memory()).cpus(spec.cpus()).runDir(state.path());
        image.rootfsImage().ifPresent(r -> cfg.nvdimm(true).nvdimmImage(r).memorySlots(1)
                .maxMemory(spec.memory().plus(dev.jkata.api.MemorySize.ofBytes(roundUp2MiB(size(r))))));
        shares.forEach(cfg::share);
        vm = QemuHypervisor.create().launch(cfg.build());
        console = new ConsoleForwarder(vm.consoleLog(), id, line -> { });
        agent = AgentClient.connect(vm.agentSocket(), state.resolve("proxy.sock"), AgentClientConfig.defaults());
        Duration left = spec.bootTimeout().minusNanos(System.nanoTime() - t0);
        agent.awaitReady(left.isNegative() ? Duration.ofSeconds(1) : left, () -> vm.isAlive() ? null
                : "the VM exited while booting; console:\n" + String.join("\n", vm.consoleTail(30)));
        agent.createSandbox(id, spec.container().hostname());
        defaultContainer = newContainer(spec.container());
        bootTime = java.time.Duration.ofNanos(System.nanoTime() - t0);
        move(SandboxState.RUNNING);
        LOG.info("Sandbox {} running in {} ms ({}, {}, {} vCPU)", id, bootTime.toMillis(),
                image.form() == ImageForm.NVDIMM ? "nvdimm" : "initrd", spec.memory(), spec.cpus());
    }

    private GuestImage image(CacheDirectory cache, Progress progress) {
        GuestImageBuilder b = GuestImageBuilder.create().cache(cache).progress(progress)
                .form(spec.nvdimm() ? ImageForm.NVDIMM : ImageForm.INITRD);
        spec.kernel().ifPresent(k -> b.kernel(GuestKernel.of(k, spec.kernelModules().orElse(null))));
        GuestImage built = b.build();
        if (spec.initrd().isPresent()) {
            if (spec.nvdimm()) {
                throw new InvalidConfigurationException("image", "a prebuilt initrd and nvdimm() do not go together; choose one");
            }
            return new GuestImage(ImageForm.INITRD, built.kernel(), spec.initrd().get(), java.util.Optional.empty(),
                    built.kernelCommandLine(), size(spec.initrd().get()), 0, 0);
        }
        return built;
    }

    /**
     * The initrd form unpacks the whole image into guest RAM (a tmpfs root): below about three times its size
     * plus 128 MiB the kernel fails with "Initramfs unpacking failed: write error" and panics.
     */
    private void requireRoomFor(GuestImage image) {
        if (image.form() != ImageForm.INITRD) {
            return;
        }
        long needMiB = 3 * image.initrdBytes() / (1 << 20) + 128;
        if (spec.memory().toMiB() < needMiB) {
            throw new InvalidConfigurationException("memory", spec.memory() + " is too little for the initrd form, whose "
                    + image.initrdBytes() / (1 << 20) + "M image is unpacked into guest RAM; give at least " + needMiB
                    + "M, or use nvdimm(), which maps the root file system from the host instead");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + p, e);
        }
    }

    private static long roundUp2MiB(long bytes) {
        long m = 2L << 20;
        return (bytes + m - 1) / m * m;
    }

    private AgentContainer newContainer(ContainerSpec cs) {
        if (cs.rootfs().isPresent() && !cs.rootfs().get().equals(rootfsHostDir)) {
            throw new InvalidConfigurationException("rootfs", "every container of a sandbox shares the root file system"
                    + " given when it started (" + rootfsHostDir + "); start another sandbox for " + cs.rootfs().get());
        }
        String cid = Ids.next(6);
        // A virtio-9p tag mounts once per guest (a second mount is EBUSY): the share lives at one mount point that
        // the agent reference-counts, and each container stacks its own writable overlay on it.
        String mountPoint = SHARED_CONTAINERS;
        List<StorageMount> storages = new ArrayList<>();
        storages.add(StorageMount.ninePee(ROOTFS_TAG, mountPoint, true));
        for (SharedDir s : shares.subList(1, shares.size())) {
            storages.add(StorageMount.ninePee(s.mountTag(), "/run/kata-containers/shared/" + s.mountTag(), s.readOnly()));
        }
        int[] ug = Users.parse(cs.user());
        // The container's first process only holds it open; commands run as exec'd processes.
        ProcessConfig init = new ProcessConfig(List.of("/bin/sleep", "2147483647"),
                Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "/", ug[0], ug[1], false);
        agent.createContainer(new ContainerConfig(cid, Ids.next(6), storages, mountPoint, init, cs.hostname(), userMounts));
        agent.startContainer(cid);
        AgentContainer c = new AgentContainer(this, agent, cid, cs, spec.env());
        containers.put(cid, c);
        return c;
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
        if (lifecycle.state() == SandboxState.RUNNING && vm != null && !vm.isAlive()) {
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
        requireRunning("createContainer");
        return newContainer(cs);
    }

    void removeContainer(AgentContainer c) {
        containers.remove(c.id());
        if (state() == SandboxState.RUNNING) {
            agent.removeContainer(c.id());
        }
    }

    @Override
    public List<Container> containers() {
        return List.copyOf(containers.values());
    }

    @Override
    public Duration bootTime() { return bootTime; }

    /** Tears down after a failed start, attaching secondary failures to the first. */
    private void fail(RuntimeException cause) {
        lifecycle.fail();
        keepConsoleLog();
        teardown(cause);
    }

    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        KataException failure = new KataException(KataErrorReason.IO, "closing sandbox " + id + " failed", id, null);
        for (AgentContainer c : containers.values()) {
            try {
                c.closeProcesses();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
        if (vm != null && !vm.isAlive()) {
            keepConsoleLog();
        } else if (agent != null) {
            try {
                agent.destroySandbox();
            } catch (RuntimeException e) {
                LOG.debug("DestroySandbox failed: {}", e.getMessage());
            }
        }
        teardown(failure);
        lifecycle.closed();
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private void teardown(RuntimeException collect) {
        if (agent != null) {
            try {
                agent.close();
            } catch (RuntimeException e) {
                collect.addSuppressed(e);
            }
        }
        if (vm != null) {
            try {
                vm.stop(STOP_GRACE);
            } catch (RuntimeException e) {
                collect.addSuppressed(e);
            }
        }
        if (console != null) {
            console.close();
        }
        try {
            state.close();
        } catch (RuntimeException e) {
            collect.addSuppressed(e);
        }
    }

    /** A failed VM's console log is kept in the cache's logs directory, for diagnosis. */
    private void keepConsoleLog() {
        Path log = state.resolve("console.log");
        if (Files.exists(log)) {
            try {
                Path dir = Files.createDirectories(CacheDirectory.defaultLocation().root().resolve("logs"));
                Path kept = dir.resolve("sandbox-" + id + "-console.log");
                Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
                LOG.warn("Sandbox {} failed; its console log is kept at {}", id, kept);
            } catch (IOException e) {
                LOG.debug("cannot keep the console log: {}", e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "Sandbox[" + id + ", " + state() + "]";
    }
}
