package dev.jkata.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.device.NinePShare;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: one template per guest configuration, the same for every sandbox of it. */
class TemplateKeysTest {
    @TempDir
    Path dir;
    Path kernel;
    Path qemu;

    @BeforeEach
    void files() throws Exception {
        kernel = Files.writeString(dir.resolve("vmlinux"), "kernel");
        qemu = Files.writeString(dir.resolve("qemu"), "qemu");
        Files.createDirectories(dir.resolve("a/rootfs"));
        Files.createDirectories(dir.resolve("b/rootfs"));
        Files.createDirectories(dir.resolve("run-a"));
        Files.createDirectories(dir.resolve("run-b"));
    }

    private String key(String sandbox, String memory) {
        Path run = dir.resolve("run-" + sandbox);
        QemuConfig c = QemuConfig.builder().name("kata-" + sandbox + "1234").kernel(kernel).memory(MemorySize.parse(memory))
                .runDir(run).device(new NinePShare("fsdev0", dir.resolve(sandbox).resolve("rootfs"), "kataShared", true)).build();
        return TemplateKeys.of(c, ResolvedAccelerator.TCG, run, qemu);
    }

    @Test
    void sandboxesOfOneConfigurationShareATemplate() {
        assertThat(key("a", "512M")).isEqualTo(key("b", "512M")).doesNotContain(dir.resolve("run-a").toString());
    }

    @Test
    void memoryMakesAnotherTemplate() {
        assertThat(key("a", "512M")).isNotEqualTo(key("a", "768M"));
    }

    @Test
    void aKernelOrHypervisorReplacedInPlaceMakesAnotherTemplate() throws Exception {
        String before = key("a", "512M");
        Files.setLastModifiedTime(kernel, FileTime.fromMillis(Files.getLastModifiedTime(kernel).toMillis() + 5000));
        String newKernel = key("a", "512M");
        assertThat(newKernel).isNotEqualTo(before);
        Files.writeString(qemu, "qemu 8");
        assertThat(key("a", "512M")).isNotEqualTo(newKernel);
    }
}
