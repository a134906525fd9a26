package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.Sandbox;
import dev.jkata.core.qemu.QemuGuestLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 (pods): containers with root file systems of their own in one running sandbox, from its
 * {@code containerRoots} directory, including one bound into it on the host after the guest started (as the OCI
 * runtime does for each container that joins a pod). Each gets its own writable layer; the host's copy is not
 * written; a root outside the directory is refused.
 */
class ContainerRootsIT {
    @TempDir
    Path stateRoot;
    @TempDir
    Path work;

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }

    @Test
    void aSharedFileIsBoundAloneReadOnlyAndItsDirectoryStaysOnTheHost() throws Exception {
        Path etc = Files.createDirectories(work.resolve("etc"));
        Path hosts = Files.writeString(etc.resolve("hosts"), "10.9.8.7 engine-made\n");
        Files.writeString(etc.resolve("secret"), "never in the guest\n");
        String id;
        try (Sandbox sb = Sandbox.builder().stateRoot(stateRoot).share(hosts, "/etc/hosts", false).start()) {
            id = sb.id();
            assertThat(sb.run("cat", "/etc/hosts").stdout()).isEqualTo("10.9.8.7 engine-made\n");
            assertThat(sb.run("sh", "-c", "echo x >> /etc/hosts").exitCode()).as("bound read-only").isNotZero();
            assertThat(Leaks.qemuChildren()).singleElement().satisfies(q -> assertThat(String.join(" ",
                    dev.jkata.qemu.ProcessArguments.of(q.pid()).orElseThrow())).as("the file's directory is not shared").doesNotContain("path=" + etc + ","));
        }
        Leaks.assertNoneLeft(stateRoot, id);
        assertThat(hosts).hasContent("10.9.8.7 engine-made\n");
    }

    @Test
    void containersOfOneSandboxRunOnRootsOfTheirOwnAddedAfterTheStart() throws Exception {
        Path busybox = new QemuGuestLauncher().defaultRootfs();
        Path roots = Files.createDirectories(work.resolve("roots"));
        Path app = roots.resolve("app");
        run("cp", "-a", busybox.toString(), app.toString());
        Files.writeString(app.resolve("marker"), "app\n");
        Path other = work.resolve("other");
        run("cp", "-a", busybox.toString(), other.toString());
        Files.writeString(other.resolve("marker"), "late\n");

        Path late = Files.createDirectory(roots.resolve("late"));
        String id;
        try (Sandbox sb = Sandbox.builder().stateRoot(stateRoot).containerRoots(roots).start()) {
            id = sb.id();
            // bound on the host after the guest started, as a pod member's root is
            run("mount", "--bind", other.toString(), late.toString());
            try {
                Container a = sb.createContainer(ContainerSpec.builder().rootfs(app).hostname("app").build());
                Container b = sb.createContainer(ContainerSpec.builder().rootfs(late).build());
                assertThat(a.run(ExecSpec.builder("cat", "/marker").build()).stdout()).isEqualTo("app\n");
                assertThat(b.run(ExecSpec.builder("cat", "/marker").build()).stdout()).isEqualTo("late\n");
                assertThat(sb.run("sh", "-c", "cat /marker 2>/dev/null || echo none").stdout())
                        .as("the default container keeps the sandbox's root").isEqualTo("none\n");
                assertThat(a.run(ExecSpec.builder("hostname").build()).stdout().strip()).isEqualTo("app");
                String boot = sb.run("cat", "/proc/sys/kernel/random/boot_id").stdout();
                assertThat(b.run(ExecSpec.builder("cat", "/proc/sys/kernel/random/boot_id").build()).stdout())
                        .as("one kernel: one VM").isEqualTo(boot);

                assertThat(a.run(ExecSpec.builder("sh", "-c", "echo written > /marker && cat /marker").build()).stdout())
                        .isEqualTo("written\n");
                assertThat(Files.readString(app.resolve("marker"))).as("the host's copy is not written").isEqualTo("app\n");

                assertThatThrownBy(() -> sb.createContainer(ContainerSpec.builder().rootfs(other).build()))
                        .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("container roots");
            } finally {
                run("umount", "-l", late.toString()); // detached at once; QEMU may still hold files in it
            }
        }
        Leaks.assertNoneLeft(stateRoot, id);
        assertThat(Files.readString(other.resolve("marker"))).isEqualTo("late\n");
    }
}
