package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecResult;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.BusyboxRootfs;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.GuestImageBuilder;
import dev.jkata.guestimage.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The builder's explicit options in one real sandbox: a user-supplied kernel with its module tree, a
 * prebuilt initrd, a user-supplied container root file system, the accelerator, and a container's own
 * environment, working directory and user.
 */
class SandboxOptionsIT {
    @TempDir
    Path stateRoot;

    @TempDir
    Path work;

    @Test
    void explicitKernelImageRootfsAndContainerSettingsAreUsed() throws Exception {
        GuestImage img = GuestImageBuilder.create().build();
        Path rootfs = work.resolve("rootfs");
        dev.jkata.guestimage.host.FileTrees.copy(BusyboxRootfs.get(CacheDirectory.defaultLocation(), Progress.logging()), rootfs);
        Files.writeString(rootfs.resolve("etc/marker"), "user rootfs\n");
        Files.createDirectories(rootfs.resolve("srv/app"));
        String id;
        try (Sandbox sb = Sandbox.builder()
                .kernel(img.kernel().vmlinuz(), img.kernel().modulesDir().orElseThrow())
                .guestImage(img.initrd())
                .memory(MemorySize.ofMiB(640)).cpus(2).accelerator("tcg").bootTimeout(Duration.ofSeconds(120))
                .container(ContainerSpec.builder().rootfs(rootfs).env("ROLE", "builder").workdir("/srv/app")
                        .user("1000:1000").hostname("box").build())
                .stateRoot(stateRoot).start()) {
            id = sb.id();
            ExecResult r = sb.run("sh", "-c", "cat /etc/marker; echo $ROLE; pwd; id -u; hostname; nproc; "
                    + "awk '/MemTotal/ {print ($2 > 500000)}' /proc/meminfo");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).isEqualTo("user rootfs\nbuilder\n/srv/app\n1000\nbox\n2\n1\n");
            assertThat(sb.run("sh", "-c", "echo changed > /etc/marker").exitCode())
                    .as("uid 1000 cannot write root's file").isNotZero();
        }
        assertThat(rootfs.resolve("etc/marker")).hasContent("user rootfs\n");
        Leaks.assertNoneLeft(stateRoot, id);
    }
}
