package dev.jkata.qemu;

import dev.jkata.qemu.errors.QemuStateException;
import dev.jkata.qemu.errors.QemuLaunchException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.check.HostCheck;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.qmp.QmpEvent;
import dev.jkata.qemu.qmp.QmpStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Boots real (tiny) VMs under TCG: a busybox initrd on the kernel from {@code -Dkata.test.kernel}. */
@Timeout(180)
class QemuLaunchIT {
    static final Duration BOOT = Duration.ofSeconds(90);
    static final String[] RUNTIME_FILES = {"qmp.sock", "agent.sock", "qemu.pid"};

    final QemuHypervisor hypervisor = QemuHypervisor.create();

    @TempDir
    Path tmp;

    @Test
    void bootsUnderTcgRunsAndStopsGracefully() throws Exception {
        String marker = "JKATA-BOOT-MARKER-1";
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit(marker)).name("it-graceful").build();
        Path run = config.paths().dir();
        List<QemuExit> heard = new CopyOnWriteArrayList<>();
        QemuExit exit;
        long pid;
        try (QemuVm vm = hypervisor.launch(config)) {
            pid = vm.pid();
            vm.addExitListener(heard::add);
            assertThat(vm.accelerator().accelerator()).isEqualTo(ResolvedAccelerator.TCG);
            assertThat(vm.isAlive()).isTrue();
            assertThat(Files.readString(config.paths().pidFile()).trim()).isEqualTo(Long.toString(pid));
            assertThat(vm.agentSocket()).exists();
            assertConfined(pid);
            QmpStatus status = vm.qmp().queryStatus();
            assertThat(status.running()).isTrue();
            assertThat(status.status()).isEqualTo("running");

            assertThat(TestGuest.awaitConsole(vm, marker, BOOT))
                    .as("console log shows the marker; console tail: %s, stderr: %s", vm.consoleTail(20), vm.stderrTail())
                    .isTrue();
            assertThat(vm.qmp().queryStatus().running()).isTrue();

            exit = vm.stop(Duration.ofSeconds(1));
            assertThat(vm.isAlive()).isFalse();
            assertThat(vm.stop(Duration.ofSeconds(1))).isSameAs(exit); // idempotent
        } // close() again: a no-op
        assertThat(exit.requested()).isTrue();
        assertThat(exit.exitCode()).isZero();
        assertThat(exit.failed()).isFalse();
        assertThat(exit.shutdownReason()).contains("host-qmp-quit");
        assertThat(exit.consoleTail()).anyMatch(l -> l.contains(marker));
        assertThat(TestGuest.leftovers(run, RUNTIME_FILES)).isEmpty();
        assertThat(run.resolve("console.log")).as("a clean stop deletes the console log").doesNotExist();
        assertThat(TestGuest.isGone(pid)).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
        assertThat(heard).containsExactly(exit);
    }

    /** QEMU runs confined: seccomp in filter mode, no new privileges, no capabilities, a session of its own. */
    static void assertConfined(long pid) throws Exception {
        List<String> status = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        assertThat(HostCheck.forThisHost().check().sandboxSupported()).as("Debian's QEMU has seccomp").isTrue();
        assertThat(status).contains("Seccomp:\t2", "NoNewPrivs:\t1", "CapEff:\t0000000000000000",
                "CapBnd:\t0000000000000000");
        String[] qemu = statFields(pid);
        String[] self = statFields(ProcessHandle.current().pid());
        assertThat(qemu[3]).as("QEMU's session").isNotEqualTo(self[3]);
        assertThat(qemu[2]).as("QEMU's process group").isNotEqualTo(self[2]);
        assertThat(qemu[1]).as("QEMU's parent").isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))).contains("obsolete=deny,"
                + "elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    }

    /** /proc/PID/stat past the command: state, ppid, pgrp, session, ... */
    private static String[] statFields(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    @Test
    void unresponsiveQemuIsQuitThenKilled() throws Exception {
        String marker = "JKATA-BOOT-MARKER-2";
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit(marker)).name("it-forced").build();
        Path run = config.paths().dir();
        QemuVm vm = hypervisor.launch(config);
        long pid = vm.pid();
        try {
            assertThat(vm.qmp().queryStatus().running()).isTrue();
            // Freeze QEMU so it answers nothing: stop() must get past quit to SIGKILL.
            Process freeze = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).inheritIO().start();
            assertThat(freeze.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(freeze.exitValue()).isZero();

            long t0 = System.nanoTime();
            QemuExit exit = vm.stop(Duration.ZERO);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
            assertThat(exit.requested()).isTrue();
            assertThat(exit.exitCode()).isEqualTo(137);
            assertThat(exit.failed()).as("a VM that had to be killed failed").isTrue();
            assertThat(TestGuest.leftovers(run, RUNTIME_FILES)).isEmpty();
            assertThat(run.resolve("console.log")).as("a failed VM keeps its console log").exists();
            assertThat(TestGuest.isGone(pid)).isTrue();
        } finally {
            vm.close();
        }
    }

    @Test
    void quitWithoutGraceStopsARunningVmAtOnce() throws Exception {
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit("JKATA-BOOT-MARKER-3")).build();
        Path run = config.paths().dir();
        try (QemuVm vm = hypervisor.launch(config)) {
            long t0 = System.nanoTime();
            QemuExit exit = vm.stop(Duration.ZERO);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(exit.exitCode()).isZero();
            assertThat(exit.failed()).isFalse();
            assertThat(TestGuest.isGone(vm.pid())).isTrue();
            assertThatThrownBy(vm::qmp).isInstanceOf(QemuStateException.class).hasMessageContaining("exited");
        }
        assertThat(TestGuest.leftovers(run, RUNTIME_FILES)).isEmpty();
    }

    @Test
    void guestPowerOffIsReportedAsAnUnexpectedExitWithTheConsole() throws Exception {
        String marker = "JKATA-POWEROFF-MARKER";
        QemuConfig config = TestGuest.config(tmp, TestGuest.powerOffInit(marker)).build();
        Path run = config.paths().dir();
        CompletableFuture<QemuExit> heard = new CompletableFuture<>();
        List<String> events = new CopyOnWriteArrayList<>();
        try (QemuVm vm = hypervisor.launch(config)) {
            vm.qmp().addEventListener(e -> events.add(e.name()));
            vm.addExitListener(heard::complete);
            Optional<QemuExit> exit = vm.awaitExit(BOOT);
            assertThat(exit).as("the guest powers itself off; console: %s", vm.consoleTail(20)).isPresent();
            QemuExit e = exit.get();
            assertThat(heard.get(5, TimeUnit.SECONDS)).isEqualTo(e);
            assertThat(e.unexpected()).isTrue();
            assertThat(e.failed()).isTrue();
            assertThat(e.exitCode()).isZero();
            assertThat(e.shutdownReason()).contains("guest-shutdown");
            assertThat(e.consoleTail()).anyMatch(l -> l.contains(marker));
            assertThat(events).contains(QmpEvent.SHUTDOWN);
        }
        assertThat(TestGuest.leftovers(run, RUNTIME_FILES)).isEmpty();
        assertThat(run.resolve("console.log")).as("an unexpected exit keeps the console log").exists();
    }

    @Test
    void qemuAcceptsEveryDeviceTogether() throws Exception {
        Path image = tmp.resolve("rootfs.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(3 * 1024 * 1024 + 4096);
        }
        Path share = Files.createDirectory(tmp.resolve("share"));
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit("JKATA-ALL-DEVICES"))
                .name("it-all").cpus(2).device(dev.jkata.qemu.device.Nvdimm.of("nv0", image))
                .device(new dev.jkata.qemu.device.NinePShare("fsdev0", share, "kataShared", true))
                .device(new dev.jkata.qemu.device.NinePShare("fsdev1", Files.createDirectory(tmp.resolve("rw")), "data", false))
                .sandbox(HostCheck.forThisHost().check().sandboxSupported())
                .build();
        try (QemuVm vm = hypervisor.launch(config)) {
            assertThat(vm.qmp().queryStatus().running()).isTrue();
            var memory = vm.qmp().execute("query-memory-devices");
            assertThat(memory.toString()).contains("\"type\":\"nvdimm\"").contains("mem-nv0")
                    .contains("\"size\":" + (3 * 1024 * 1024 + 4096));
            var chardevs = vm.qmp().execute("query-chardev");
            assertThat(chardevs.toString()).contains("agent0").contains("console0");
            var cpus = vm.qmp().execute("query-cpus-fast");
            assertThat(cpus.size()).isEqualTo(2);
            // QEMU listens on the agent socket: a host client can connect.
            try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                assertThat(ch.connect(java.net.UnixDomainSocketAddress.of(vm.agentSocket()))).isTrue();
            }
            assertThat(vm.stop(Duration.ZERO).failed()).isFalse();
        }
    }

    @Test
    void aBadOptionFailsTheLaunchWithQemusOwnWords() throws Exception {
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit("never"))
                .device(() -> List.of("-device", "no-such-device-jkata"))
                .build();
        Path run = config.paths().dir();
        assertThatThrownBy(() -> hypervisor.launch(config))
                .isInstanceOfSatisfying(QemuLaunchException.class, e -> {
                    assertThat(e.exitCode()).hasValue(1);
                    assertThat(e.stderr()).anyMatch(l -> l.contains("no-such-device-jkata"));
                })
                .hasMessageContaining("'no-such-device-jkata' is not a valid device model name");
        assertThat(TestGuest.leftovers(run, RUNTIME_FILES)).isEmpty();
    }

    @Test
    void aRunDirectoryInUseIsRefused() throws Exception {
        QemuConfig config = TestGuest.config(tmp, TestGuest.idleInit("JKATA-BOOT-MARKER-4")).build();
        try (QemuVm vm = hypervisor.launch(config)) {
            assertThatThrownBy(() -> hypervisor.launch(config))
                    .isInstanceOf(QemuStateException.class)
                    .hasMessageContaining("in use by QEMU pid " + vm.pid());
            assertThat(vm.isAlive()).isTrue();
            assertThat(vm.qmpSocket()).exists();
        }
    }
}
