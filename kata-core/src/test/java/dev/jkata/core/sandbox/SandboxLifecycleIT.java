package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ExecResult;
import dev.jkata.api.IllegalSandboxStateException;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandboxes started and closed whole: the nvdimm form, two at once, and a start that fails. */
class SandboxLifecycleIT {
    @TempDir
    Path stateRoot;

    @Test
    void nvdimmFormRunsACommand() throws Exception {
        String id;
        try (Sandbox sb = Sandbox.builder().nvdimm().stateRoot(stateRoot).start()) {
            id = sb.id();
            ExecResult r = sb.run("sh", "-c", "grep -c pmem0 /proc/mounts >/dev/null; uname -r");
            assertThat(r.exitCode()).isZero();
            assertThat(r.stdout()).contains("amd64");
            System.out.printf("[sandbox] nvdimm form booted in %d ms%n", sb.bootTime().toMillis());
        }
        Leaks.assertNoneLeft(stateRoot, id);
    }

    @Test
    void twoSandboxesAtOnceAreSeparateMachines() throws Exception {
        CompletableFuture<Sandbox> a = CompletableFuture.supplyAsync(() -> Sandbox.builder().stateRoot(stateRoot).start());
        CompletableFuture<Sandbox> b = CompletableFuture.supplyAsync(() -> Sandbox.builder().stateRoot(stateRoot).start());
        String idA;
        String idB;
        try (Sandbox sa = a.join(); Sandbox sb = b.join()) {
            idA = sa.id();
            idB = sb.id();
            assertThat(sa.run("sh", "-c", "echo A > /tmp/mark").exitCode()).isZero();
            assertThat(sb.run("sh", "-c", "cat /tmp/mark 2>/dev/null || echo absent").stdout()).isEqualTo("absent\n");
        }
        Leaks.assertNoneLeft(stateRoot, idA);
        Leaks.assertNoneLeft(stateRoot, idB);
    }

    /**
     * Issue 16 M1: a guest that stops answering (its QEMU frozen with SIGSTOP, so even its transport stays open) with
     * five processes running. close() does not spend each process's RPC deadlines: it asks once, lets the processes go,
     * and kills the VM; their readers and waiters learn so at once.
     */
    @Test
    void aFrozenGuestWithLiveProcessesClosesWithinABudget() throws Exception {
        String id;
        java.util.List<dev.jkata.api.ExecProcess> procs = new java.util.ArrayList<>();
        Sandbox sb = Sandbox.builder().stateRoot(stateRoot).start();
        id = sb.id();
        for (int i = 0; i < 5; i++) {
            procs.add(sb.exec(dev.jkata.api.ExecSpec.builder("sleep", "600").build()));
        }
        assertThat(sb.run("true").exitCode()).isZero();
        ProcessHandle qemu = Leaks.qemuChildren().get(0);
        new ProcessBuilder("kill", "-STOP", Long.toString(qemu.pid())).start().waitFor();
        long t0 = System.nanoTime();
        sb.close();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("[sandbox] close() of a frozen guest with 5 processes took %d ms%n", took.toMillis());
        assertThat(took).as("close() of a frozen guest").isLessThan(Duration.ofSeconds(20));
        for (dev.jkata.api.ExecProcess p : procs) {
            assertThatThrownBy(() -> p.waitFor(Duration.ofSeconds(5))).isInstanceOf(dev.jkata.api.KataException.class)
                    .isNotInstanceOf(KataTimeoutException.class);
        }
        Leaks.assertNoneLeft(stateRoot, id);
    }

    @Test
    void aBootTimeoutLeavesNothingBehind() throws Exception {
        assertThatThrownBy(() -> Sandbox.builder().bootTimeout(Duration.ofMillis(300)).stateRoot(stateRoot).start())
                .isInstanceOf(KataTimeoutException.class)
                .hasMessageContaining("health check");
        Thread.sleep(200);
        assertThat(Leaks.qemuChildren()).isEmpty();
        try (var s = Files.list(stateRoot)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void tooLittleMemoryForTheInitrdFormIsATypedErrorBeforeAnyVmStarts() throws Exception {
        assertThatThrownBy(() -> Sandbox.builder().memory(MemorySize.ofMiB(256)).stateRoot(stateRoot).start())
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("memory:").hasMessageContaining("nvdimm()");
        assertThat(Leaks.qemuChildren()).isEmpty();
        try (var s = Files.list(stateRoot)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void aClosedSandboxRefusesWorkNamingBothStates() throws Exception {
        Sandbox sb = Sandbox.builder().stateRoot(stateRoot).start();
        String id = sb.id();
        sb.close();
        assertThatThrownBy(() -> sb.run("true"))
                .isInstanceOf(IllegalSandboxStateException.class)
                .hasMessageContaining("RUNNING").hasMessageContaining("STOPPED");
        Leaks.assertNoneLeft(stateRoot, id);
    }
}
