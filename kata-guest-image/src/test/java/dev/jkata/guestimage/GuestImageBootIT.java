package dev.jkata.guestimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.QemuHypervisor;
import dev.jkata.qemu.QemuVm;
import dev.jkata.qemu.config.QemuConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots each guest image form under QEMU (TCG on this project's machines) and waits for the guest init to
 * reach the point where it starts the agent. Prints the image sizes and the time from QEMU start to the
 * marker, the figures the foundation issue asks for.
 */
class GuestImageBootIT {
    private static final Duration BOOT_DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path run;

    @Test
    void initrdFormReachesTheAgentStart() throws Exception {
        GuestImage img = GuestImageBuilder.create().form(ImageForm.INITRD).build();
        String console = boot(img);
        assertThat(console).contains("KATA_INIT: drivers loaded");
    }

    @Test
    void nvdimmFormMountsPmemAndReachesTheAgentStart() throws Exception {
        GuestImage img = GuestImageBuilder.create().form(ImageForm.NVDIMM).build();
        assertThat(img.rootfsImage()).isPresent();
        String console = boot(img);
        assertThat(console).containsPattern("root file system /dev/pmem0 mounted read-only (with|without) DAX");
    }

    @Test
    void aSecondBuildOfTheSameInputsIsACacheHit() {
        GuestImage first = GuestImageBuilder.create().form(ImageForm.INITRD).build();
        long t = System.nanoTime();
        GuestImage second = GuestImageBuilder.create().form(ImageForm.INITRD).build();
        System.out.printf("[image] cached rebuild took %d ms%n", (System.nanoTime() - t) / 1_000_000);
        assertThat(second.initrd()).isEqualTo(first.initrd());
    }

    private String boot(GuestImage img) throws IOException, InterruptedException {
        QemuConfig.Builder cfg = QemuConfig.builder()
                .kernel(img.kernel().vmlinuz()).initrd(img.initrd()).append(img.kernelCommandLine())
                .memory(MemorySize.ofMiB(512)).cpus(1).runDir(run.resolve(img.form().name().toLowerCase()));
        img.rootfsImage().ifPresent(r -> cfg.device(dev.jkata.qemu.device.Nvdimm.of("nv0", r)).memorySlots(1).maxMemory(MemorySize.ofGiB(2)));
        long t0 = System.nanoTime();
        try (QemuVm vm = QemuHypervisor.create().launch(cfg.build())) {
            Path log = vm.consoleLog();
            long deadline = System.nanoTime() + BOOT_DEADLINE.toNanos();
            String text = "";
            while (System.nanoTime() < deadline) {
                text = Files.exists(log) ? Files.readString(log) : "";
                if (text.contains(GuestImage.AGENT_START_MARKER)) {
                    break;
                }
                if (!vm.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(text).as("console of the %s guest:%n%s", img.form(), text).contains(GuestImage.AGENT_START_MARKER);
            System.out.printf("[image] %s: initrd %.1f MiB, rootfs image %.1f MiB, Java runtime %.1f MiB; QEMU start -> agent start marker %d ms%n",
                    img.form(), img.initrdBytes() / 1048576.0, img.rootfsBytes() / 1048576.0, img.runtimeBytes() / 1048576.0, ms);
            return text;
        }
    }
}
