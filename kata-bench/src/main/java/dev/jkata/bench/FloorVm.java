package dev.jkata.bench;

import dev.jkata.api.Accelerator;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.qemu.QemuVm;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.Nvdimm;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A floor's VM: QEMU with exactly the command line a sandbox of the same image form gets (kernel, machine,
 * accelerator, memory, nvdimm, the 9p share, the virtio-serial port), but our own initrd and init. Built the
 * way {@code QemuGuestLauncher} builds its config; if that changes, change this with it.
 */
final class FloorVm implements AutoCloseable {
    final QemuVm vm;
    final ConsoleWatch console;
    /** Host nanos just before QEMU was launched. */
    final long launched;
    /** Completes with the host nanos when the QEMU process ended (before the VM's own clean-up). */
    private final CompletableFuture<Long> exited;

    private FloorVm(QemuVm vm, ConsoleWatch console, long launched) {
        this.vm = vm;
        this.console = console;
        this.launched = launched;
        this.exited = ProcessHandle.of(vm.pid()).map(h -> h.onExit().thenApply(x -> System.nanoTime()))
                .orElseGet(() -> CompletableFuture.completedFuture(System.nanoTime()));
    }

    static FloorVm launch(BenchContext ctx, GuestImage image, Path initrd, String commandLine) throws IOException {
        Path run = ctx.newDir("f");
        QemuConfig.Builder cfg = QemuConfig.builder()
                .name("bench-floor-" + run.getFileName())
                .accelerator(Accelerator.AUTO)
                .kernel(image.kernel().vmlinuz()).initrd(initrd).append(commandLine)
                .memory(BenchContext.MEMORY).cpus(BenchContext.CPUS).runDir(run);
        image.rootfsImage().ifPresent(r -> cfg.device(Nvdimm.of("nv0", r)));
        cfg.device(new NinePShare("fsdev0", ctx.rootfs(), NinePShare.DEFAULT_TAG, true));
        QemuConfig config = cfg.build();
        ConsoleWatch console = ConsoleWatch.of(config.paths().consoleLog());
        long t0 = System.nanoTime();
        try {
            return new FloorVm(ctx.hypervisor.launch(config), console, t0);
        } catch (RuntimeException e) {
            console.close();
            throw e;
        }
    }

    /**
     * Waits for a guest that is powering itself off, and returns the host nanos when QEMU's process ended. Call it
     * before the guest gets there (right after its last marker): QEMU is told to expect the exit, so the VM's
     * supervision does not warn about it.
     */
    long awaitPowerOff(Duration timeout) throws InterruptedException {
        vm.stop(timeout);
        try {
            return exited.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new IllegalStateException("the floor VM's QEMU did not end; console:\n" + console.text());
        }
    }

    @Override
    public void close() {
        try {
            vm.stop(Duration.ofSeconds(1));
        } finally {
            console.close();
        }
    }
}
