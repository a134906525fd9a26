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
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.spi.SandboxProvider;
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
import dev.jkata.api.SandboxBuilder;

/**
 * What both fakes promise, as a real sandbox does: the same states, streams, exit codes and timeouts, and no
 * leftovers. Each fake's test class runs these against its provider and adds what only it does.
 */
abstract class FakeContract {
    @TempDir
    Path work;
    Sandbox sandbox;

    /** A builder that starts sandboxes of the fake under test, its directories under {@code work}. */
    abstract SandboxBuilder builder();

    /** The host directory that holds what {@code sb} made; gone after close. */
    abstract Path directoryOf(Sandbox sb);

    abstract Class<? extends SandboxProvider> providerType();

    @BeforeEach
    void start() {
        sandbox = builder().env("SANDBOX_WIDE", "yes").start();
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
    void aMissingProgramIs127() throws Exception {
        ExecResult missing = sandbox.run("no-such-program-jkata");
        assertThat(missing.exitCode()).isEqualTo(127);
        assertThat(missing.stderr()).contains("no-such-program-jkata").contains("not found");
        assertThat(sandbox.run("/no/such/program").exitCode()).isEqualTo(127);
    }

    @Test
    void aRelativeProgramRunsFromTheWorkingDirectory() throws Exception {
        sandbox.run("sh", "-c", "printf '#!/bin/sh\\necho ran\\n' > run.sh; chmod +x run.sh");
        assertThat(sandbox.run("./run.sh").stdout()).isEqualTo("ran\n");
    }

    @Test
    void envAndWorkdirApplyButNotTheHostsEnvironment() throws Exception {
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "echo $GREETING $SANDBOX_WIDE; pwd; echo ${USER:-unset}")
                .env("GREETING", "hi").workdir("/sub/dir").build());
        String[] lines = r.stdout().split("\n");
        assertThat(lines[0]).isEqualTo("hi yes");
        assertThat(lines[1]).endsWith("/sub/dir");
        assertThat(Path.of(lines[1])).startsWith(directoryOf(sandbox));
        assertThat(lines[2]).isEqualTo("unset");
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
    void aTimeoutKillsTheCommandAndLeavesTheSandboxUsable() throws Exception {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("sleep", "60").timeout(Duration.ofMillis(500)).build()))
                .isInstanceOf(KataTimeoutException.class)
                .hasMessageContaining("ran too long and was killed");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(liveProcesses("sleep 60", 0)).as("the killed command").isZero();
        assertThat(sandbox.run("echo", "still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void aBackgroundChildHoldingTheOutputCannotHoldRunPastItsTimeout() throws Exception {
        long t0 = System.nanoTime();
        ExecResult r = sandbox.run(ExecSpec.builder("sh", "-c", "sleep 60 & echo hi").timeout(Duration.ofSeconds(2)).build());
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEqualTo("hi\n");
    }

    @Test
    void withoutATimeoutRunStillStopsWaitingForOutputSoonAfterTheExit() throws Exception {
        long t0 = System.nanoTime();
        ExecResult r = sandbox.run("sh", "-c", "sleep 60 & echo hi");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
        assertThat(r.stdout()).isEqualTo("hi\n");
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
        assertThat(liveProcesses("sleep 60", 1)).isEqualTo(1);
        p.close();
        p.close();
        assertThat(liveProcesses("sleep 60", 0)).isZero();
    }

    @Test
    void aTerminalMergesStderrIntoStdoutAndResizes() throws Exception {
        // the process waits for a line, so the resize reaches it while it runs
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "read x; echo out; echo err >&2").terminal(true).build())) {
            p.resizeTty(120, 40);
            p.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
            p.stdin().flush();
            // a pty turns each newline into CR LF and echoes the input; the host-process fake merges two pipes instead
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n")).endsWith("out\nerr\n");
            assertThat(p.stderr().read()).isEqualTo(-1);
            assertThat(p.waitFor(Duration.ofSeconds(10)).success()).isTrue();
        }
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sleep", "60").build())) {
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
        Path dir = directoryOf(sandbox);
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
    void theFakeIsNeverChosenByServiceLoader() throws Exception {
        assertThat(ServiceLoader.load(SandboxProvider.class).stream().map(ServiceLoader.Provider::type))
                .doesNotContain(providerType());
        SandboxProvider fake = providerType().getConstructor().newInstance();
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
        assertThat(p.stderr().read()).isEqualTo(-1);
        assertThatThrownBy(() -> p.stdin().write('x')).isInstanceOf(java.io.IOException.class);
    }

    /** A killed orphan is reaped by init a moment later; until then it is a zombie that still "is alive". */
    static boolean gone(long pid) throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * How many live descendants of this JVM have {@code needle} in their command line, polled for up to 5 s
     * until it is {@code expected} (a killed process takes a moment to go).
     */
    static long liveProcesses(String needle, long expected) throws InterruptedException {
        long n = -1;
        for (int i = 0; i < 50 && n != expected; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            n = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().commandLine().orElse("").contains(needle)).count();
        }
        return n;
    }

    static void assertNoChildProcesses() throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(h -> h.info().commandLine().orElse("?")))
                .as("processes left running").isEmpty();
    }
}
