package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.SandboxSpec;
import dev.jkata.core.pool.SandboxPool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: sandboxes started ahead ({@code SandboxBuilder.pool}) on the real provider. A start takes one that is
 * already running, with its own name, a clock set when it is taken and its own random bytes; the pool fills again
 * behind it; a pooled sandbox whose guest died meanwhile is closed, never handed out; a drained pool leaves no QEMU
 * and no state directory.
 */
class SandboxPoolIT {
    private static final Duration FILL = Duration.ofMinutes(4);
    @TempDir
    Path stateRoot;

    @AfterEach
    void drain() {
        SandboxPool.shared().drain();
    }

    private SandboxBuilder builder() {
        return Sandbox.builder().stateRoot(stateRoot).pool(1)
                .container(ContainerSpec.builder().hostname("pooled").build());
    }

    @Test
    void aStartTakesASandboxStartedAheadAndADeadOneIsNeverHandedOut() throws Exception {
        SandboxSpec spec = builder().toSpec();
        SandboxPool pool = SandboxPool.shared();
        String firstBytes;
        try (Sandbox first = builder().start()) {
            assertThat(Diagnostics.fromPool(first)).as("nothing was ahead of the first start").isFalse();
            firstBytes = first.run("sh", "-c", "head -c 32 /dev/urandom | od -An -tx1").stdout();
            assertThat(pool.awaitReady(spec, 1, FILL)).as("one sandbox started ahead").isTrue();
        }

        Thread.sleep(1500); // the pooled guest's clock must be set when it is taken, not only when it started
        long t0 = System.nanoTime();
        try (Sandbox taken = builder().start()) {
            System.out.printf("[pool] start() from the pool returned in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(Diagnostics.fromPool(taken)).as("taken from the pool").isTrue();
            assertThat(taken.run("hostname").stdout().strip()).isEqualTo("pooled");
            long guest = Long.parseLong(taken.run("date", "+%s").stdout().strip());
            assertThat(guest).as("the pooled guest's clock").isBetween(System.currentTimeMillis() / 1000 - 2,
                    System.currentTimeMillis() / 1000 + 1);
            String bytes = taken.run("sh", "-c", "head -c 32 /dev/urandom | od -An -tx1").stdout();
            assertThat(bytes).hasSizeGreaterThan(60).isNotEqualTo(firstBytes);
            assertThat(pool.awaitReady(spec, 1, FILL)).as("filled again behind the take").isTrue();
        }

        // the pooled guest dies while it waits: the next start must not get it
        List<ProcessHandle> qemus = Leaks.qemuChildren();
        assertThat(qemus).as("only the pooled sandbox's QEMU is alive").hasSize(1);
        qemus.get(0).destroyForcibly();
        qemus.get(0).onExit().get();
        try (Sandbox fresh = builder().start()) {
            assertThat(Diagnostics.fromPool(fresh)).as("the dead pooled sandbox was not handed out").isFalse();
            assertThat(fresh.run("echo", "alive").stdout()).isEqualTo("alive\n");
        }
        pool.drain();
        Leaks.assertNoneLeft(stateRoot, "none");
    }
}
