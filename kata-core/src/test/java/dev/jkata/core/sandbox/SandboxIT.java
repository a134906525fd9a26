package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxState;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One real sandbox (initrd form, TCG here) shared by the tests of this class, which do not interfere: each
 * runs its own processes in the default container. What every kind of sandbox promises (timeouts, capture
 * limits, concurrent runs, exit codes) is kata-testkit's SandboxContract, run on real VMs by QemuSandboxContractIT;
 * this class keeps what only a VM has: shares, the guest kernel, large stdio, the root file system's layers.
 */
class SandboxIT {
    static Path stateRoot;
    static Path shared;
    static Path out;
    static Sandbox sandbox;

    @BeforeAll
    static void boot() throws Exception {
        stateRoot = Files.createTempDirectory("kata-it-state");
        shared = Files.createTempDirectory("kata-it-share");
        Files.writeString(shared.resolve("hello.txt"), "from the host\n");
        // a writable share under the build directory: /tmp may be a tmpfs without user attributes
        out = Files.createTempDirectory(Files.createDirectories(Path.of("target")).toAbsolutePath(), "kata-it-out");
        sandbox = Sandbox.builder().memory(MemorySize.ofMiB(512)).cpus(2).env("SANDBOX_WIDE", "yes")
                .share(shared, "/mnt/host", true).share(out, "/mnt/out", false).stateRoot(stateRoot).start();
        System.out.printf("[sandbox] %s booted in %d ms%n", sandbox.id(), sandbox.bootTime().toMillis());
    }

    @AfterAll
    static void close() throws Exception {
        if (sandbox != null) {
            String id = sandbox.id();
            sandbox.close();
            sandbox.close();
            assertThat(sandbox.state()).isEqualTo(SandboxState.STOPPED);
            Leaks.assertNoneLeft(stateRoot, id);
        }
        if (out != null) {
            dev.jkata.guestimage.host.FileTrees.delete(out);
        }
    }

    @Test
    void runsInTheGuestKernelNotTheHosts() throws Exception {
        ExecResult r = sandbox.run("uname", "-a");
        assertThat(r.exitCode()).isZero();
        String hostKernel = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        assertThat(r.stdout()).startsWith("Linux kata ").contains("amd64");
        System.out.printf("[sandbox] uname -a in the guest: %s (host kernel %s)%n", r.stdout().trim(), hostKernel);
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void exitCodesAndStderrComeBack() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "echo out; echo err >&2; exit 7");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
    }

    @Test
    void aMissingCommandIs127NotAHang() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("/no/such/program").timeout(Duration.ofSeconds(60)).build());
        assertThat(r.exitCode()).isEqualTo(127);
    }

    @Test
    void envWorkdirAndUserApply() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "echo $GREETING $SANDBOX_WIDE; pwd; id -u; id -g")
                .env("GREETING", "hi").workdir("/tmp").user("1000:1001").build());
        assertThat(r.stdout()).isEqualTo("hi yes\n/tmp\n1000\n1001\n");
    }

    @Test
    void aHostShareIsVisibleAndReadOnly() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "cat /mnt/host/hello.txt; echo x > /mnt/host/new.txt");
        assertThat(r.stdout()).isEqualTo("from the host\n");
        assertThat(r.exitCode()).isNotZero();
        assertThat(shared.resolve("new.txt")).doesNotExist();
    }

    /** Issue 16 M9: what a guest leaves in a writable share cannot be run set-uid, opened as a FIFO or followed. */
    @Test
    void aWritableShareKeepsTheGuestsModesLinksAndFifosOffTheHost() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "cd /mnt/out && cp /bin/busybox suid && chmod 4755 suid && mkfifo fifo"
                + " && ln -s /etc/passwd link && echo result > result.txt && stat -c '%A %n' suid fifo link");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).as("the guest sees what it made").contains("-rwsr-xr-x suid").contains("prw").contains("lrwx");
        assertThat(out.resolve("result.txt")).hasContent("result\n");
        for (String name : new String[] {"suid", "fifo", "link", "result.txt"}) {
            Path p = out.resolve(name);
            assertThat(Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).as("%s is a plain file on the host", name).isTrue();
            assertThat((int) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS) & 07777)
                    .as("%s's mode on the host", name).isEqualTo(0600);
        }
    }

    @Test
    void theRootFileSystemIsWritableInTheGuestButTheHostCopyIsNot() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "echo data > /etc/written-by-guest && cat /etc/written-by-guest");
        assertThat(r.stdout()).isEqualTo("data\n");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void tenMegabytesThroughStdinAndBack() throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(data);
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("cat").build())) {
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> digest(p.stdout()));
            try (OutputStream in = p.stdin()) {
                in.write(data);
            }
            assertThat(HexFormat.of().formatHex(echoed.get())).isEqualTo(HexFormat.of().formatHex(sha256(data)));
            assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(ExitStatus.of(0));
        }
    }

    @Test
    void aSignalEndsAProcessWith128PlusN() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "600").build())) {
            Thread.sleep(500);
            p.signal(15);
            ExitStatus st = p.waitFor(Duration.ofSeconds(30));
            assertThat(st.code()).isEqualTo(128 + 15);
            assertThat(st.signal()).isEqualTo(15);
        }
    }

    @Test
    void aTerminalExecGetsAPtyThatCanBeResized() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "tty; read line; stty size").terminal(true).build())) {
            p.resizeTty(100, 40);
            p.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            p.stdin().flush();
            assertThat(p.waitFor(Duration.ofSeconds(60)).code()).isZero();
            String out = text(p.stdout().readAllBytes()).replace("\r", "");
            assertThat(out).contains("/dev/pts/").contains("40 100");
        }
    }

    @Test
    void aSecondContainerHasItsOwnWritableLayerAndIsRemovedOnClose() throws Exception {
        assertThat(sandbox.run("sh", "-c", "echo default > /root/which").exitCode()).isZero();
        try (Container second = sandbox.createContainer(ContainerSpec.builder().env("ROLE", "second").build())) {
            assertThat(sandbox.containers()).extracting(Container::id).contains(second.id(), sandbox.container().id());
            ExecResult r = second.run(ExecSpec.builder("sh", "-c", "echo $ROLE; cat /root/which 2>/dev/null || echo none").build());
            assertThat(r.stdout()).isEqualTo("second\nnone\n");
            second.close();
            second.close();
            assertThat(sandbox.containers()).extracting(Container::id).doesNotContain(second.id());
        }
        assertThat(sandbox.run("cat", "/root/which").stdout()).isEqualTo("default\n");
    }

    private static byte[] digest(InputStream in) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return md.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
