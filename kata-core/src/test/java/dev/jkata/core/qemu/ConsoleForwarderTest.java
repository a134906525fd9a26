package dev.jkata.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleForwarderTest {
    @TempDir
    Path dir;

    @Test
    void forwardsLinesCutsLongOnesAndBoundsTheLogOnDisk() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             ConsoleForwarder f = new ConsoleForwarder(log, "test", lines::add)) {
            out.write("KATA_INIT: hello\n".getBytes(StandardCharsets.UTF_8));
            byte[] noNewline = new byte[1 << 20];
            java.util.Arrays.fill(noNewline, (byte) 'x');
            for (int i = 0; i < 40; i++) { // 40 MiB without a newline: a hostile or broken guest
                out.write(noNewline);
            }
            out.write("\nlast line\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!lines.contains("last line") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        assertThat(lines).contains("KATA_INIT: hello", "last line");
        assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(4096));
        assertThat(Files.size(log)).isLessThanOrEqualTo(ConsoleForwarder.MAX_LOG_BYTES);
    }

    @Test
    void aGuestThatOutWritesTheReaderStillCannotGrowTheFilePastItsBound() throws Exception {
        Path log = dir.resolve("console.log");
        long bound = 1 << 20;
        long biggest = 0;
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             ConsoleForwarder f = new ConsoleForwarder(log, "flood", slowListener(), bound, 10)) {
            // up to 64 MiB/s, far past what a serial console does, against a reader held up by its listener
            byte[] block = "x\n".repeat(32 * 1024).getBytes(StandardCharsets.UTF_8);
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                out.write(block);
                biggest = Math.max(biggest, Files.size(log));
                Thread.sleep(1);
            }
            assertThat(f.loggedLines()).as("lines logged in about 3 s at 10 a second").isLessThanOrEqualTo(50);
        }
        assertThat(biggest).as("the largest the console log got").isLessThanOrEqualTo(8 * bound);
    }

    private static java.util.function.Consumer<String> slowListener() {
        int[] n = {0};
        return l -> {
            if (++n[0] % 200 == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    @Test
    void atMostTheRateIsLoggedAndEveryLineStillReachesTheListener() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             ConsoleForwarder f = new ConsoleForwarder(log, "chatty", lines::add, ConsoleForwarder.MAX_LOG_BYTES, 100)) {
            out.write("line\u2028two\u202e\n".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 3000; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (lines.size() < 3001 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(lines).hasSize(3001);
            assertThat(lines.get(0)).isEqualTo("linetwo");
            assertThat(f.loggedLines() + f.suppressedLines()).isEqualTo(3001);
            assertThat(f.suppressedLines()).isPositive();
        }
    }

    /** N-M9: 4 KiB lines flat out for 3 s: what reaches the log stays within the byte bucket, whatever the line rate. */
    @Test
    void aFloodingGuestIsHeldToTheByteBudget() throws Exception {
        Path log = dir.resolve("console.log");
        java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
        String line = "x".repeat(4000) + "\n";
        try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
             ConsoleForwarder f = new ConsoleForwarder(log, "flood", l -> seen.addAndGet(l.length()))) {
            long t0 = System.nanoTime();
            long end = t0 + 3_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 16; i++) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                Thread.sleep(5);
            }
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L + 2; // and what the reader takes after
            Thread.sleep(500);
            assertThat(seen.get()).as("the guest wrote far more than the budget").isGreaterThan(4L * ConsoleForwarder.BURST_BYTES);
            assertThat(f.loggedBytes()).isLessThanOrEqualTo(ConsoleForwarder.BURST_BYTES
                    + seconds * ConsoleForwarder.BYTES_PER_SECOND);
            assertThat(f.suppressedLines()).isPositive();
        }
    }
}
