package dev.jkata.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.IllegalSandboxStateException;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxProvider;
import dev.jkata.api.SandboxState;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fake's contract: the same states, streams, exit codes and timeouts as a real sandbox, and no leftovers. */
class FakeSandboxTest {
    @TempDir
    Path work;
    Sandbox sandbox;

    @BeforeEach
    void start() {
        sandbox = Sandbox.builder().provider(new FakeSandboxProvider(work)).env("SANDBOX_WIDE", "yes").start();
    }

    @AfterEach
    void close() throws Exception {
        sandbox.close();
        assertNoChildProcesses();
    }

    @Test
    void runCapturesOutputAndExitCode() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "echo out; echo err >&2; exit 7");
        assertThat(r.exitCode()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
        assertThat(r.truncated()).isFalse();
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void aMissingProgramIs127AndANonExecutableOne126() throws Exception {
        ExecResult missing = sandbox.run("no-such-program-jkata");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).contains("no-such-program-jkata").contains("not found");
        assertThat(sandbox.run("/no/such/program").exitCode()).isEqualTo(127);

        sandbox.run("sh", "-c", "echo 'echo hi' > script.sh");
        assertThat(sandbox.run("./script.sh").exitCode()).isEqualTo(126);
        assertThat(sandbox.run("sh", "./script.sh").stdout()).isEqualTo("hi\n");
    }

    @Test
    void envWorkdirAndHomeApplyButNotTheHostsEnvironment() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "echo $GREETING $SANDBOX_WIDE; pwd; echo $HOME; echo ${USER:-unset}")
                .env("GREETING", "hi").workdir("/sub/dir").build());
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("hi yes");
        assertThat(lines[1]).endsWith("/sub/dir");
        assertThat(Path.of(lines[1])).startsWith(Path.of(lines[2]));
        assertThat(lines[3]).isEqualTo("unset");
    }

    @Test
    void aWorkdirCannotClimbOutOfTheContainer() {
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("pwd").workdir("/../..").build()))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void outputPastTheCaptureLimitIsCutAndSaidSo() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "head -c 300000 /dev/zero; echo done >&2")
                .captureLimit(MemorySize.ofKiB(100)).build());
        assertThat(r.stdoutBytes()).hasSize(100 * 1024);
        assertThat(r.truncated()).isTrue();
        assertThat(r.stderr()).isEqualTo("done\n");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void aTimeoutKillsTheCommandWithItsChildrenAndLeavesTheSandboxUsable() throws Exception {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("sh", "-c", "sleep 60 & echo $! > child.pid; wait")
                .timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(KataTimeoutException.class)
                .hasMessageContaining("ran too long and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        long child = Long.parseLong(sandbox.run("cat", "child.pid").stdout().trim());
        assertThat(gone(child)).as("the background child is gone").isTrue();
        assertThat(sandbox.run("echo", "still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void execStreamsStdinToStdout() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("cat").build())) {
            try (OutputStream in = p.stdin()) {
                in.write("line one\nline two\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("line one\nline two\n");
            assertThat(p.waitFor(Duration.ofSeconds(10))).isEqualTo(ExitStatus.of(0));
        }
    }

    @Test
    void aSignalEndsAProcessWith128PlusN() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "60").build())) {
            p.signal(15);
            ExitStatus st = p.waitFor(Duration.ofSeconds(10));
            assertThat(st.code()).isEqualTo(128 + 15);
            assertThat(st.signal()).isEqualTo(15);
        }
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "60").build())) {
            p.signal(10);
            assertThat(p.waitFor(Duration.ofSeconds(10)).signal()).isEqualTo(10);
        }
    }

    @Test
    void waitForGivesUpWithoutKillingAndCloseKills() throws Exception {
        ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "60").build());
        assertThatThrownBy(() -> p.waitFor(Duration.ofMillis(100))).isInstanceOf(KataTimeoutException.class);
        assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive).count()).isEqualTo(1);
        p.close();
        p.close();
        assertNoChildProcesses();
    }

    @Test
    void aTerminalMergesStderrIntoStdoutAndResizes() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "echo out; echo err >&2").terminal(true).build())) {
            p.resizeTty(120, 40);
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("out\nerr\n");
            assertThat(p.stderr().read()).isEqualTo(-1);
            assertThat(p.waitFor(Duration.ofSeconds(10)).success()).isTrue();
        }
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("true").build())) {
            assertThatThrownBy(() -> p.resizeTty(80, 24)).isInstanceOf(KataException.class);
        }
    }

    @Test
    void containersHaveTheirOwnDirectories() throws Exception {
        sandbox.run("sh", "-c", "echo default > mine.txt");
        try (Container other = sandbox.createContainer(ContainerSpec.builder().env("WHO", "other").build())) {
            assertThat(sandbox.containers()).hasSize(2);
            ExecResult r = other.run(ExecSpec.builder("sh", "-c", "echo $WHO; cat mine.txt 2>/dev/null || echo absent").build());
            assertThat(r.stdout()).isEqualTo("other\nabsent\n");
        }
        assertThat(sandbox.containers()).hasSize(1);
        assertThat(sandbox.run("cat", "mine.txt").stdout()).isEqualTo("default\n");
    }

    @Test
    void closeIsIdempotentLeavesNothingAndEveryCallAfterItIsIllegal() throws Exception {
        ExecProcess running = sandbox.exec(ExecSpec.builder("sleep", "60").build());
        Path dir = ((FakeSandbox) sandbox).directory();
        assertThat(dir).isDirectory();
        sandbox.close();
        sandbox.close();
        assertThat(sandbox.state()).isEqualTo(SandboxState.STOPPED);
        assertThat(dir).doesNotExist();
        assertThat(running.waitFor(Duration.ofSeconds(5)).signaled()).isTrue();
        assertNoChildProcesses();
        assertThatThrownBy(() -> sandbox.run("true")).isInstanceOf(IllegalSandboxStateException.class)
                .hasMessageContaining("STOPPED");
        assertThatThrownBy(() -> sandbox.createContainer(ContainerSpec.defaults())).isInstanceOf(IllegalSandboxStateException.class);
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aReadOnlyShareIsACopyAndAWritableShareIsTheHostDirectory(@TempDir Path ro, @TempDir Path rw) throws Exception {
        Files.writeString(ro.resolve("hello.txt"), "from the host\n");
        Path dir;
        try (Sandbox sb = Sandbox.builder().provider(new FakeSandboxProvider(work))
                .share(ro, "/mnt/ro", true).share(rw, "/mnt/rw", false).start()) {
            dir = ((FakeSandbox) sb).directory();
            ExecResult r = sb.run("sh", "-c", "cat mnt/ro/hello.txt; echo changed > mnt/ro/hello.txt; echo new > mnt/rw/new.txt");
            assertThat(r.stdout()).isEqualTo("from the host\n");
            assertThat(ro.resolve("hello.txt")).hasContent("from the host");
            assertThat(rw.resolve("new.txt")).hasContent("new");
        }
        assertThat(rw.resolve("new.txt")).exists();
        assertThat(dir).doesNotExist();
    }

    @Test
    void theFakeIsNeverChosenByServiceLoader() {
        assertThat(ServiceLoader.load(SandboxProvider.class).stream().map(ServiceLoader.Provider::type))
                .doesNotContain(FakeSandboxProvider.class);
        FakeSandboxProvider fake = new FakeSandboxProvider();
        assertThat(fake.priority()).isLessThan(10);
        assertThat(fake.isAvailable()).isTrue();
    }

    @Test
    void concurrentRunsKeepTheirOutputApart() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var all = new java.util.ArrayList<java.util.concurrent.Future<ExecResult>>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                all.add(pool.submit(() -> sandbox.run("sh", "-c", "for j in $(seq 1 100); do echo p" + n + "-$j; done")));
            }
            for (int i = 0; i < 8; i++) {
                ExecResult r = all.get(i).get();
                int n = i;
                assertThat(r.stdout().lines()).hasSize(100).allSatisfy(l -> assertThat(l).startsWith("p" + n + "-"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedProcessesStreamsEndAndItsStdinIsClosed() throws Exception {
        ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "60").build());
        p.close();
        InputStream out = p.stdout();
        assertThat(out.read()).isEqualTo(-1);
    }

    /** A killed orphan is reaped by init a moment later; until then it is a zombie that still "is alive". */
    private static boolean gone(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static void assertNoChildProcesses() throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(h -> h.info().commandLine().orElse("?")))
                .as("processes left running").isEmpty();
    }
}
