package dev.jkata.testkit.contract;

import java.nio.file.Files;

import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecProcess;

import java.time.Duration;
import java.nio.charset.StandardCharsets;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.Container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.spi.SandboxProvider;
import dev.jkata.core.sandbox.Diagnostics;
import dev.jkata.core.sandbox.QemuSandboxProvider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The contract on real QEMU virtual machines: the provider {@link java.util.ServiceLoader} picks, each test on a
 * sandbox of its own (cloned from the configuration's template, so a few seconds each under TCG), its state under
 * the test's directory. A host that cannot run them fails these tests with the reason; nothing is skipped.
 */
class QemuSandboxContractIT extends SandboxContract {

    @Override
    protected SandboxBuilder builder() {
        return Sandbox.builder().stateRoot(work);
    }

    @Override
    protected Path directoryOf(Sandbox sb) {
        return work.resolve(sb.id());
    }

    @Override
    protected Class<? extends SandboxProvider> providerType() {
        return QemuSandboxProvider.class;
    }

    @Override
    protected boolean foundByServiceLoader() {
        return true;
    }

    /** Counted inside the guest, with the container's own {@code ps}: the host sees only QEMU. */
    @Override
    protected long liveProcesses(String needle, long expected) throws InterruptedException {
        long n = -1;
        for (int i = 0; i < 50 && n != expected; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            n = sandbox.run("ps").stdout().lines().filter(l -> l.contains(needle)).count();
        }
        return n;
    }

    @Test
    void pidOneIsJkatasIdleInitInTheDefaultContainerAndTheJobsOwnProcessInAJob() throws Exception {
        assertThat(sandbox.run("cat", "/proc/1/cmdline").stdout().replace('\0', ' ').trim())
                .isEqualTo("/.jkata/busybox sleep 2147483647");
        assertThat(sandbox.run("sh", "-c", "echo x > /.jkata/busybox").exitCode()).as("the idle init is read-only").isNotZero();
        assertThat(sandbox.run("rm", "-f", "/.jkata/busybox").exitCode()).as("and cannot be removed").isNotZero();
        Container job = sandbox.createContainer(ContainerSpec.builder()
                .process(ExecSpec.builder("sh", "-c", "echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo").build()).build());
        try {
            String out = new String(job.init().orElseThrow().stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out.lines().toList()).containsExactly("1", "sh -c echo $$; tr '\\0' ' ' < /proc/1/cmdline; echo ");
            assertThat(job.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitStatus.of(0));
        } finally {
            job.close();
        }
    }

    @Test
    void containersGetDockersDefaultsAndTheirSettingsHoldInTheGuest() throws Exception {
        String status = "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; touch /x 2>&1; wc -c < /proc/timer_list";
        assertThat(sandbox.run("sh", "-c", status).stdout())
                .contains("CapEff:\t00000000a80425fb").contains("NoNewPrivs:\t0").endsWith("0\n");
        // an exec asking for a capability its container lacks does not get it
        assertThat(sandbox.run(ExecSpec.builder("grep", "CapEff", "/proc/self/status")
                .capabilities(dev.jkata.api.Capabilities.of("NET_ADMIN", "KILL")).build()).stdout())
                .isEqualTo("CapEff:\t0000000000000020\n");
        Container locked = sandbox.createContainer(ContainerSpec.builder().capabilities(dev.jkata.api.Capabilities.none())
                .readOnlyRoot().noNewPrivileges().process(ExecSpec.builder("sh", "-c", status).build()).build());
        try {
            String out = new String(locked.init().orElseThrow().stdout().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(out).contains("CapEff:\t0000000000000000").contains("NoNewPrivs:\t1")
                    .contains("Read-only file system");
            assertThat(locked.waitFor(Duration.ofSeconds(30))).isEqualTo(ExitStatus.of(0));
        } finally {
            locked.close();
        }
    }

    @Test
    void aClonesClockIsTheHostsWithinFiftyMilliseconds() throws Exception {
        long before = System.currentTimeMillis();
        String out = sandbox.run("/.jkata/busybox", "adjtimex").stdout();
        long after = System.currentTimeMillis();
        long sec = Long.parseLong(out.replaceAll("(?s).*time\\.tv_sec:\\s*(\\d+).*", "$1"));
        long usec = Long.parseLong(out.replaceAll("(?s).*time\\.tv_usec:\\s*(\\d+).*", "$1"));
        long guest = sec * 1000 + usec / 1000;
        // the guest read its clock between the host's two readings: off by at most 50 ms either way
        assertThat(guest).as("guest clock, host %d..%d", before, after).isBetween(before - 50, after + 50);
    }

    @Test
    void filesAreTheContainersOwnViewItsTmpAndRootAlikeAndItsProcessesSeeWhatWasCopiedIn() throws Exception {
        Path src = treeToCopy(work.resolve("host"));
        sandbox.files().copyTo(src, "/srv");
        ExecResult r = sandbox.run("sh", "-c", "cd /srv && ./run.sh && cat 'a file with spaces.txt' && stat -c '%a %h' run.sh hard"
                + " && readlink link && echo made > /tmp/in-tmpfs && id -u > /var/made-by-job");
        assertThat(r.stdout()).as(r.stderr()).isEqualTo("ran\nspaces\n755 1\n644 2\na file with spaces.txt\n");
        // the container's /tmp is a tmpfs of its own mount namespace: reached through its init's root
        Path back = Files.createDirectories(work.resolve("back"));
        sandbox.files().copyFrom("/tmp/in-tmpfs", back);
        assertThat(back.resolve("in-tmpfs")).hasContent("made");
        sandbox.files().copyFrom("/var/made-by-job", back.resolve("uid"));
        assertThat(back.resolve("uid")).hasContent("0");
        // the root itself: the kernel's link to the container's root is followed, and only it
        sandbox.files().write("/at-root.txt", new java.io.ByteArrayInputStream("top".getBytes(StandardCharsets.UTF_8)));
        assertThat(sandbox.files().stat("/").isDirectory()).isTrue();
        assertThat(sandbox.files().list("/")).extracting(dev.jkata.api.FileInfo::name).contains("at-root.txt", "srv", "tmp");
        assertThat(sandbox.run("cat", "/at-root.txt").stdout()).isEqualTo("top");
    }

    @Test
    void statsMoveWithTheJobAndAnOomKillIsReportedAsSuch() throws Exception {
        dev.jkata.api.SandboxStats before = sandbox.stats();
        ExecResult burn = sandbox.run("sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done;"
                + " dd if=/dev/zero of=/big bs=1M count=64 conv=fsync 2>/dev/null; echo done");
        assertThat(burn.stdout()).isEqualTo("done\n");
        dev.jkata.api.SandboxStats after = sandbox.stats();
        assertThat(after.container().cpu()).isGreaterThan(before.container().cpu());
        assertThat(after.container().memory().toBytes()).isPositive();
        assertThat(after.container().pids()).isPositive();
        assertThat(after.diskSize().orElseThrow().toMiB()).as("close to the asked 8G: ext4 keeps a little for itself")
                .isBetween(7800L, 8192L);
        assertThat(after.diskUsed().orElseThrow().toBytes()).isGreaterThanOrEqualTo(64L << 20);
        assertThat(after.hypervisorCpu().orElseThrow()).isGreaterThan(Duration.ZERO);
        assertThat(after.hypervisorMemory().orElseThrow().toMiB()).isGreaterThan(32);

        Container small = sandbox.createContainer(ContainerSpec.defaults());
        small.update(dev.jkata.api.ResourceLimits.none().withMemory(dev.jkata.api.MemorySize.ofMiB(32)));
        ExecResult oom = small.run(dev.jkata.api.ExecSpec.builder("awk", "BEGIN { s = \"x\"; while (1) s = s s }").build());
        assertThat(oom.exitStatus().code()).isEqualTo(137);
        assertThat(oom.exitStatus().oomKilled()).as(oom.exitStatus().toString()).isTrue();
        assertThat(small.stats().oomKills()).isPositive();
        ExecProcess killed = small.exec(dev.jkata.api.ExecSpec.builder("sleep", "60").build());
        killed.signal(9);
        ExitStatus plain = killed.waitFor(Duration.ofSeconds(30));
        assertThat(plain.code()).isEqualTo(137);
        assertThat(plain.oomKilled()).as("a SIGKILL of the user's is not an OOM kill").isFalse();
    }

    @Test
    void theSandboxIsARealVirtualMachine() throws Exception {
        assertThat(Diagnostics.hypervisorPid(sandbox)).as("QEMU's pid").isPresent();
        assertThat(ProcessHandle.of(Diagnostics.hypervisorPid(sandbox).getAsLong()).map(ProcessHandle::isAlive)).hasValue(true);
        String hostKernel = new String(new ProcessBuilder("uname", "-r").start().getInputStream().readAllBytes()).trim();
        String guestBoot = sandbox.run("cat", "/proc/sys/kernel/random/boot_id").stdout().trim();
        String hostBoot = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        assertThat(guestBoot).as("the guest has a kernel of its own").isNotEqualTo(hostBoot);
        assertThat(sandbox.run("uname", "-r").stdout().trim()).as("guest kernel (host runs %s)", hostKernel).isNotEmpty();
    }

    @Test
    void theEnginesDiagnosticsSeeTheVmAndItsAgent() throws Exception {
        assertThat(Diagnostics.agentRoundTrip(sandbox, java.time.Duration.ofSeconds(10))).isPositive();
        assertThat(Diagnostics.yamuxPing(sandbox, java.time.Duration.ofSeconds(10))).isPositive();
        // a clone restored from its template has printed little since; a cold boot shows its init and agent lines
        assertThat(Diagnostics.consoleTail(sandbox, 200)).hasSizeLessThanOrEqualTo(200);
        try (Sandbox cold = builder().template(false).start()) {
            assertThat(Diagnostics.consoleTail(cold, 200)).as("a cold guest's console").isNotEmpty()
                    .anySatisfy(l -> assertThat(l).contains("KATA_"));
        }
        sandbox.close();
        assertThat(Diagnostics.hypervisorPid(sandbox)).as("no hypervisor once closed").isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Diagnostics.agentRoundTrip(sandbox, java.time.Duration.ofSeconds(1)))
                .isInstanceOf(dev.jkata.api.IllegalSandboxStateException.class);
    }
}
