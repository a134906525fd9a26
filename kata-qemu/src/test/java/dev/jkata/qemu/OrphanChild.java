package dev.jkata.qemu;

import dev.jkata.qemu.config.QemuConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The child JVM of {@link OrphanIT}: launches a VM from a short-lived thread (which then ends, as a request
 * thread would), checks QEMU survived that thread's end, prints {@code QEMU_PID=<pid>}, and waits to be killed.
 * Arguments: kernel, initrd, run directory.
 */
public final class OrphanChild {
    private OrphanChild() {
    }

    public static void main(String[] args) throws Exception {
        QemuConfig config = QemuConfig.builder().kernel(Path.of(args[0])).initrd(Path.of(args[1])).runDir(Path.of(args[2]))
                .append("panic=1").accelerator(dev.jkata.api.Accelerator.TCG)
                .memory(dev.jkata.api.MemorySize.ofMiB(256)).build();
        AtomicReference<QemuVm> vm = new AtomicReference<>();
        Thread launcher = new Thread(() -> vm.set(QemuHypervisor.create().launch(config)), "short-lived-launcher");
        launcher.start();
        launcher.join();
        if (vm.get() == null) {
            System.out.println("LAUNCH_FAILED");
            System.exit(2);
        }
        Thread.sleep(1000);
        if (!vm.get().isAlive()) {
            System.out.println("QEMU_DIED_WITH_LAUNCHING_THREAD");
            System.exit(3);
        }
        System.out.println("QEMU_PID=" + vm.get().pid());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
