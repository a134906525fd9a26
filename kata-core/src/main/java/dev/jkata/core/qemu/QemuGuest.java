package dev.jkata.core.qemu;

import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.core.guest.AgentChannels;
import dev.jkata.core.guest.Guest;
import dev.jkata.qemu.QemuVm;
import java.nio.channels.ByteChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest that is a QEMU VM, with its console followed into SLF4J ({@code kata.guest.<sandboxId>}). What the VM
 * throws reaches the sandbox through {@link QemuErrors}.
 */
final class QemuGuest implements Guest {
    private static final Logger LOG = LoggerFactory.getLogger(QemuGuest.class);
    /** Where the agent mounts shared storages in our guest images (as Kata's agent does). */
    static final String SHARED_ROOT = "/run/kata-containers/shared";

    private final QemuVm vm;
    private final String sandboxId;
    private final long launchedAt;
    private final String form;
    private final CacheDirectory cache;
    private final ConsoleForwarder console;
    private final Path forwardSocket;
    private final String mac;
    private final boolean cloned;
    private final boolean disk;

    /** The guest's only virtio-blk disk: the first, as the kernel names them (the root is an initrd or a pmem device). */
    static final String DISK_DEVICE = "/dev/vda";

    QemuGuest(QemuVm vm, String sandboxId, long launchedAt, String form, CacheDirectory cache, Path forwardSocket,
              String mac, boolean cloned, boolean disk) {
        this.cloned = cloned;
        this.disk = disk;
        this.forwardSocket = forwardSocket;
        this.mac = mac;
        this.vm = vm;
        this.sandboxId = sandboxId;
        this.launchedAt = launchedAt;
        this.form = form;
        this.cache = cache;
        this.console = new ConsoleForwarder(vm.consoleLog(), sandboxId, line -> { });
    }

    @Override
    public ByteChannel connectAgent() { return AgentChannels.unixSocket(vm.agentSocket()); }

    @Override
    public String sharedRoot() { return SHARED_ROOT; }

    @Override
    public Optional<String> diskDevice() { return disk ? Optional.of(DISK_DEVICE) : Optional.empty(); }

    @Override
    public Optional<Path> forwardSocket() { return Optional.of(forwardSocket); }

    @Override
    public boolean hasNatDevice() { return mac != null; }

    @Override
    public String macAddress() { return mac == null ? "" : mac; }

    @Override
    public Duration sinceLaunch() { return Duration.ofNanos(System.nanoTime() - launchedAt); }

    @Override
    public Optional<String> failure() {
        if (vm.isAlive()) {
            return Optional.empty();
        }
        // a panic's first line comes before its dump: look further back for it than the tail shown
        String panic = vm.consoleTail(300).stream().filter(l -> l.contains("Kernel panic")).findFirst()
                .map(l -> "the guest kernel panicked (" + l.substring(l.indexOf("Kernel panic")).strip() + "); ").orElse("");
        return Optional.of(panic + "the VM exited; console:\n" + String.join("\n", vm.consoleTail(30)));
    }

    @Override
    public String describe() { return form; }

    @Override
    public boolean cloned() { return cloned; }

    /** A failed VM's console log is kept in the cache's logs directory. */
    @Override
    public void keepDiagnostics() {
        Path log = vm.consoleLog();
        if (!Files.exists(log)) {
            return;
        }
        try {
            Path dir = Files.createDirectories(cache.root().resolve("logs"));
            Path kept = dir.resolve("sandbox-" + sandboxId + "-console.log");
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn("Sandbox {} failed; its console log is kept at {}", sandboxId, kept);
        } catch (IOException e) {
            LOG.debug("cannot keep the console log: {}", e.getMessage());
        }
    }

    /**
     * What our agent logs when its host session has ended and it waits for the next (kata-agent's YamuxAgentServer):
     * a template is saved only after it, so that a clone's agent never sees the template's session.
     */
    static final String AGENT_AWAITS_HOST = "waiting for the host to connect again";
    /** How long a template's agent may take to notice that the host went away. */
    private static final Duration AGENT_DETACH = Duration.ofSeconds(15);
    /** Saving a template's device state (a few hundred KiB) takes well under a second. */
    private static final Duration SAVE_DEADLINE = Duration.ofSeconds(30);

    @Override
    public long saveTemplate(Path file) {
        long end = System.nanoTime() + AGENT_DETACH.toNanos();
        while (vm.consoleTail(40).stream().noneMatch(l -> l.contains(AGENT_AWAITS_HOST))) {
            if (!vm.isAlive()) {
                throw new dev.jkata.api.KataException(dev.jkata.api.KataErrorReason.HYPERVISOR_FAILED,
                        "the template VM exited before it was saved: " + failure().orElse(""));
            }
            if (System.nanoTime() > end) {
                throw new dev.jkata.api.KataTimeoutException("the template's agent did not let its host session go",
                        AGENT_DETACH);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.jkata.api.KataException(dev.jkata.api.KataErrorReason.HYPERVISOR_FAILED,
                        "interrupted while saving a template", e);
            }
        }
        return QemuErrors.call(() -> dev.jkata.qemu.migration.DeviceState.save(vm, file, SAVE_DEADLINE));
    }

    @Override
    public void stop(Duration grace) {
        try {
            QemuErrors.run(() -> vm.stop(grace));
        } finally {
            console.close();
        }
    }

    @Override
    public java.util.OptionalLong hypervisorPid() { return java.util.OptionalLong.of(vm.pid()); }

    @Override
    public java.util.List<String> consoleTail(int lines) { return vm.consoleTail(lines); }

    @Override
    public String toString() { return "QemuGuest[" + sandboxId + ", " + form + ", pid " + vm.pid() + "]"; }

    @Override
    public void pause() {
        QemuErrors.run(() -> vm.qmp().stop());
    }

    @Override
    public void resume() {
        QemuErrors.run(() -> vm.qmp().cont());
    }

    @Override
    public void injectNmi() {
        QemuErrors.run(() -> vm.qmp().execute("inject-nmi"));
    }
}
