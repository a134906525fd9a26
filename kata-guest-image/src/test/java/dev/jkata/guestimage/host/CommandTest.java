package dev.jkata.guestimage.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 16 L1: a host tool's output is drained on threads of its own, and a background child cannot hold the caller. */
@Timeout(60)
class CommandTest {

    @Test
    void aBackgroundChildHoldingThePipeDoesNotHoldTheCaller() {
        long t0 = System.nanoTime();
        Command.Result r = Command.of("sh", "-c", "echo started; sleep 15 &").run();
        assertThat(r.exitCode()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void toolsRunWhileEveryCommonPoolThreadIsBusy() throws Exception {
        int n = ForkJoinPool.getCommonPoolParallelism();
        CompletableFuture<Void> release = new CompletableFuture<>();
        List<CompletableFuture<Void>> blockers = java.util.stream.IntStream.range(0, n + 2)
                .mapToObj(i -> CompletableFuture.runAsync(release::join)).toList();
        try {
            Command.Result r = Command.of("sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; echo").timeout(Duration.ofSeconds(20)).run();
            assertThat(r.exitCode()).as("the tool ran to its end: its output pipe was drained").isZero();
            assertThat(r.stdout().length()).as("the output, of which the end is kept").isGreaterThan(100_000);
        } finally {
            release.complete(null);
            blockers.forEach(CompletableFuture::join);
        }
    }
}
