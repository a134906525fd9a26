package dev.jkata.testkit.contract;

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
 * What every kind of sandbox promises, written once (grpc-java's AbstractTransportTest is the model): the same
 * states, streams, exit codes (127, 126, 128+N), timeouts, user and root rules, the close guard, and no leftovers.
 * Run against the real QEMU provider ({@code QemuSandboxContractIT}), the agent fake ({@code FakeHypervisorTest}) and
 * the host-process fake ({@code FakeSandboxTest}); each subclass adds what only its kind does.
 */
public abstract class SandboxContract {
    @TempDir
    protected Path work;
    protected Sandbox sandbox;

    /** A builder that starts sandboxes of the kind under test, their directories under {@link #work}. */
    protected abstract SandboxBuilder builder();

    /** The host directory that holds what {@code sb} made; gone after close. */
    protected abstract Path directoryOf(Sandbox sb);

    protected abstract Class<? extends SandboxProvider> providerType();

    /** Whether {@link java.util.ServiceLoader} finds this kind (only the real one: fakes are chosen explicitly). */
    protected boolean foundByServiceLoader() {
        return false;
    }

    /**
     * How many live processes of {@link #sandbox} have {@code needle} in their command line, polled for up to 5 s until
     * it is {@code expected} (a killed process takes a moment to go). The fakes' processes are this JVM's descendants;
     * a VM's are counted inside its guest.
     */
    protected long liveProcesses(String needle, long expected) throws InterruptedException {
        return hostDescendants(needle, expected);
    }

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
    void aJobContainersOwnProcessIsItsInitWithStreamsAndExitStatus() throws Exception {
        Container job = sandbox.createContainer(ContainerSpec.builder()
                .process(ExecSpec.builder("sh", "-c", "echo job-out; echo job-err >&2; exit 42").build()).build());
        try {
            ExecProcess init = job.init().orElseThrow();
            assertThat(new String(init.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("job-out\n");
            assertThat(new String(init.stderr().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("job-err\n");
            assertThat(job.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitStatus.of(42));
        } finally {
            job.close();
        }
        assertThat(sandbox.container().init()).as("the default container is held by jkata's idle init").isEmpty();
        assertThatThrownBy(() -> sandbox.container().waitFor(Duration.ofSeconds(1)))
                .isInstanceOf(KataException.class).hasMessageContaining("no process of its own");
    }

    @Test
    void aJobWhoseProgramIsMissingEndsWith127AndLeavesNothing() throws Exception {
        Container job = sandbox.createContainer(ContainerSpec.builder()
                .process(ExecSpec.builder("/no/such/entrypoint").build()).build());
        try {
            ExecProcess init = job.init().orElseThrow();
            assertThat(new String(init.stderr().readAllBytes(), StandardCharsets.UTF_8)).contains("/no/such/entrypoint");
            assertThat(job.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitStatus.of(127));
        } finally {
            job.close();
        }
        assertThat(sandbox.containers()).containsExactly(sandbox.container());
        assertThat(sandbox.run("echo", "still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void theDefaultContainerCannotBeAJob() {
        assertThatThrownBy(() -> builder().container(ContainerSpec.builder().process(ExecSpec.builder("true").build()).build()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("createContainer");
    }

    @Test
    void aKillEndsTheJobWholeAndItsOutputEnds() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "sleep 100 & sleep 101 & echo started; wait").build())) {
            byte[] first = p.stdout().readNBytes(8);
            assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo("started\n");
            p.signal(9);
            assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitStatus.of(137));
            assertThat(p.stdout().readAllBytes()).as("the output reaches its end: no child holds it").isEmpty();
        }
        assertThat(liveProcesses("sleep 10", 0)).as("the job's children").isZero();
    }

    @Test
    void execHonoursItsTimeout() throws Exception {
        long t0 = System.nanoTime();
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "sleep 60 & sleep 61").timeout(Duration.ofSeconds(2)).build())) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).as("killed at its timeout").isEqualTo(ExitStatus.of(137));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(liveProcesses("sleep 6", 0)).isZero();
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
    void aSandboxPastItsDeadlineIsClosedAndItsWaitersAreToldWhy() throws Exception {
        try (Sandbox sb = builder().deadline(Duration.ofSeconds(3)).start()) {
            ExecProcess p = sb.exec(ExecSpec.builder("sleep", "600").build());
            assertThatThrownBy(() -> p.waitFor(Duration.ofMinutes(5)))
                    .isInstanceOf(dev.jkata.api.KataTimeoutException.class)
                    .hasMessageContaining("reached its deadline and was closed");
            assertThatThrownBy(() -> sb.run(ExecSpec.builder("true").build()))
                    .isInstanceOfAny(IllegalSandboxStateException.class, dev.jkata.api.KataException.class);
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (sb.state() != SandboxState.STOPPED && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            assertThat(sb.state()).isEqualTo(SandboxState.STOPPED);
            assertThat(directoryOf(sb)).doesNotExist();
        }
    }

    /** A host tree with what a copy must keep: modes, an empty directory, links of both kinds, odd names. */
    protected static Path treeToCopy(Path at) throws Exception {
        Path src = Files.createDirectories(at.resolve("src"));
        Files.writeString(src.resolve("a file with spaces.txt"), "spaces\n");
        Files.setPosixFilePermissions(src.resolve("a file with spaces.txt"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.writeString(src.resolve("ünïcødé-名前.txt"), "utf-8\n");
        Files.setPosixFilePermissions(Files.createDirectory(src.resolve("empty")), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(Files.createDirectories(src.resolve("sub/dir")).resolve("deep.txt"), "deep\n");
        Files.createLink(src.resolve("hard"), src.resolve("sub/dir/deep.txt"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("a file with spaces.txt"));
        Files.writeString(src.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        Files.setPosixFilePermissions(src.resolve("run.sh"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return src;
    }

    @Test
    void aTreeGoesInAndComesBackWithModesLinksAndOddNames() throws Exception {
        Path src = treeToCopy(work.resolve("host"));
        var files = sandbox.files();
        files.copyTo(src, "/work");
        assertThat(files.stat("/work").isDirectory()).isTrue();
        assertThat(files.list("/work")).extracting(dev.jkata.api.FileInfo::name).containsExactly(
                "a file with spaces.txt", "empty", "hard", "link", "run.sh", "sub", "ünïcødé-名前.txt");
        assertThat(files.stat("/work/link").linkTarget()).contains("a file with spaces.txt");
        assertThat(files.stat("/work/empty").mode()).isEqualTo(0700);
        assertThat(files.stat("/work/run.sh").mode()).isEqualTo(0755);
        try (InputStream in = files.read("/work/ünïcødé-名前.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("utf-8\n");
        }
        // into an existing directory, as docker cp does
        Path back = Files.createDirectories(work.resolve("back"));
        files.copyFrom("/work", back);
        Path out = back.resolve("work");
        assertThat(out.resolve("a file with spaces.txt")).hasContent("spaces");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("a file with spaces.txt"))))
                .isEqualTo("rw-r-----");
        assertThat(Files.readSymbolicLink(out.resolve("link"))).isEqualTo(Path.of("a file with spaces.txt"));
        assertThat(out.resolve("empty")).isEmptyDirectory();
        assertThat(Files.isSameFile(out.resolve("hard"), out.resolve("sub/dir/deep.txt"))).as("a hard link stays one").isTrue();
        assertThat(out.resolve("ünïcødé-名前.txt")).hasContent("utf-8");
        assertThat(Files.isExecutable(out.resolve("run.sh"))).isTrue();
        // one file, written, replaced, read and deleted
        files.write("/work/note", new java.io.ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)));
        files.write("/work/note", new java.io.ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8)), 0600);
        files.copyFrom("/work/note", work.resolve("note.txt"));
        assertThat(work.resolve("note.txt")).hasContent("two");
        files.mkdirs("/work/a/b/c");
        files.delete("/work");
        assertThat(files.exists("/work")).isFalse();
    }

    @Test
    void aGuestLinkLeadsNowhereOutsideTheContainerOrTheHostTarget() throws Exception {
        Path src = Files.createDirectories(work.resolve("evil"));
        Files.createSymbolicLink(src.resolve("out"), Path.of("/etc"));
        Files.createSymbolicLink(src.resolve("up"), Path.of("../../../../../../../../etc"));
        var files = sandbox.files();
        files.copyTo(src, "/x");
        // read through the container's own links: resolved inside its root, never the agent's or the host's /etc/shadow
        assertThatThrownBy(() -> files.read("/x/up/hostname-of-nobody")).isInstanceOfSatisfying(KataException.class,
                e -> assertThat(e.reason()).isEqualTo(dev.jkata.api.KataErrorReason.NOT_FOUND));
        Path target = Files.createDirectories(work.resolve("target"));
        files.copyFrom("/x", target);
        assertThat(Files.readSymbolicLink(target.resolve("x/out"))).isEqualTo(Path.of("/etc"));
        files.copyFrom("/x/out", target.resolve("single"));
        assertThat(Files.isSymbolicLink(target.resolve("single"))).as("made as a link, never written through").isTrue();
        try (var listing = Files.walk(target)) {
            assertThat(listing.filter(Files::isRegularFile)).as("nothing written through a link").isEmpty();
        }
    }

    @Test
    void badFilePathsAreRefusedWithTheirReason() throws Exception {
        var files = sandbox.files();
        assertThatThrownBy(() -> files.stat("relative/path")).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.field()).isEqualTo("guestPath"));
        assertThatThrownBy(() -> files.read("/proc/1/environ")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("/proc");
        assertThatThrownBy(() -> files.list("/sys/..//sys/kernel")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> files.stat("/no/such/file")).isInstanceOfSatisfying(KataException.class,
                e -> assertThat(e.reason()).isEqualTo(dev.jkata.api.KataErrorReason.NOT_FOUND));
        assertThatThrownBy(() -> files.copyTo(work.resolve("missing"), "/x")).isInstanceOfSatisfying(
                InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("hostFileOrDir"));
        files.mkdirs("/d");
        assertThatThrownBy(() -> files.write("/d", new java.io.ByteArrayInputStream(new byte[1])))
                .isInstanceOf(KataException.class).hasMessageContaining("is a directory");
        assertThat(files.exists("/d")).isTrue();
    }

    @Test
    void linesComeFromBothStreamsEachInItsOrder() throws Exception {
        java.util.List<dev.jkata.api.OutputLines.Line> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("sh", "-c", "echo one; echo warn >&2; echo two; printf last").build())) {
            p.stdin().close();
            dev.jkata.api.OutputLines lines = p.lines(got::add);
            assertThat(p.waitFor(Duration.ofSeconds(60)).code()).isZero();
            assertThat(lines.await(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(got.stream().filter(l -> !l.stderr()).map(dev.jkata.api.OutputLines.Line::text))
                .containsExactly("one", "two", "last");
        assertThat(got.stream().filter(dev.jkata.api.OutputLines.Line::stderr).map(dev.jkata.api.OutputLines.Line::text))
                .containsExactly("warn");
    }

    @Test
    void onlyTheRealProviderIsFoundByServiceLoader() throws Exception {
        var found = ServiceLoader.load(SandboxProvider.class).stream().map(ServiceLoader.Provider::type).toList();
        SandboxProvider p = providerType().getConstructor().newInstance();
        assertThat(p.isAvailable()).isTrue();
        if (foundByServiceLoader()) {
            assertThat(found).contains(providerType());
            assertThat(p.priority()).isEqualTo(10);
        } else {
            assertThat(found).doesNotContain(providerType());
            assertThat(p.priority()).isLessThan(10);
        }
    }

    @Test
    void aFileThatIsNotExecutableIs126AndAMissingOne127() throws Exception {
        sandbox.run("sh", "-c", "echo 'echo hi' > script.sh");
        ExecResult r = sandbox.run("./script.sh");
        assertThat(r.exitCode()).isEqualTo(126);
        assertThat(r.stderr()).contains("script.sh").contains("permission denied");
        assertThat(sandbox.run("sh", "./script.sh").stdout()).isEqualTo("hi\n");
        assertThat(sandbox.run("./no-such-script.sh").exitCode()).isEqualTo(127);
    }

    @Test
    void aUserIsCheckedAlikeByEveryKind() throws Exception {
        assertThatThrownBy(() -> ExecSpec.builder("true").user("1:2:3").build())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("user"));
        assertThatThrownBy(() -> ExecSpec.builder("true").user("a b").build()).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> ContainerSpec.builder().user("99999999999").build()).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("true").user("no-such-user-jkata").build()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("user"))
                .hasMessageContaining("no-such-user-jkata");
        assertThat(sandbox.run(ExecSpec.builder("true").user("0:0").build()).exitCode()).isZero();
        assertThat(sandbox.run("echo", "still usable").stdout()).isEqualTo("still usable\n");
    }

    @Test
    void aLaterContainerCannotBringItsOwnRootWithoutContainerRoots(@TempDir Path otherRoot) throws Exception {
        assertThatThrownBy(() -> sandbox.createContainer(ContainerSpec.builder().rootfs(otherRoot).build()))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("rootfs"))
                .hasMessageContaining("containerRoots");
        assertThat(sandbox.containers()).hasSize(1);
    }

    @Test
    void anExecRacingACloseIsRefusedOrEndedByIt() throws Exception {
        java.util.List<ExecProcess> started = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.atomic.AtomicReference<Throwable> refused = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        Thread execs = new Thread(() -> {
            try {
                while (true) {
                    started.add(sandbox.exec(ExecSpec.builder("sleep", "60").build()));
                    first.countDown();
                }
            } catch (RuntimeException e) {
                refused.set(e);
                first.countDown();
            }
        }, "contract-execs");
        execs.start();
        first.await();
        sandbox.close();
        execs.join(30_000);
        assertThat(execs.isAlive()).as("the exec loop ended").isFalse();
        assertThat(refused.get()).as("an exec after the close began").isInstanceOf(IllegalSandboxStateException.class);
        assertThat(started).isNotEmpty();
        for (ExecProcess p : started) {
            assertThat(p.waitFor(Duration.ofSeconds(10)).success()).as("every exec that started was ended by the close").isFalse();
        }
        assertNoChildProcesses();
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void runDoesNotWaitForTheCommonPool() throws Exception {
        java.util.concurrent.ForkJoinPool common = java.util.concurrent.ForkJoinPool.commonPool();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<?>> blockers = new java.util.ArrayList<>();
        for (int i = 0; i < common.getParallelism() + 1; i++) {
            blockers.add(common.submit(() -> {
                release.await();
                return null;
            }));
        }
        try {
            // every worker of the JVM's shared pool is blocked: run() must capture output on threads of its own
            ExecResult r = sandbox.run(ExecSpec.builder("echo", "own threads").timeout(Duration.ofSeconds(60)).build());
            assertThat(r.stdout()).isEqualTo("own threads\n");
        } finally {
            release.countDown();
        }
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
    protected static boolean gone(long pid) throws InterruptedException {
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
    protected static long hostDescendants(String needle, long expected) throws InterruptedException {
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

    protected static void assertNoChildProcesses() throws InterruptedException {
        for (int i = 0; i < 50 && ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(h -> h.info().commandLine().orElse("?")))
                .as("processes left running").isEmpty();
    }
}
