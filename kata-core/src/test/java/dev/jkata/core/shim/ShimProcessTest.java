package dev.jkata.core.shim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ExitStatus;
import dev.jkata.api.KataTimeoutException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShimProcessTest {

    /** A scripted agent for one process: output chunks queued by the test, stdin echoed to a buffer. */
    static class ScriptedChannel implements ProcessChannel {
        final BlockingQueue<byte[]> out = new ArrayBlockingQueue<>(1024);
        final ByteArrayOutputStream stdin = new ByteArrayOutputStream();
        final CountDownLatch exited = new CountDownLatch(1);
        final AtomicInteger reads = new AtomicInteger();
        volatile int status;
        volatile int lastSignal;
        volatile boolean stdinClosed;

        @Override
        public byte[] read(ProcessOutput output, int max) {
            if (output == ProcessOutput.STDERR) {
                try {
                    exited.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new byte[0];
            }
            try {
                reads.incrementAndGet();
                return out.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new byte[0];
            }
        }

        @Override
        public synchronized int write(byte[] data, int off, int len) {
            stdin.write(data, off, len);
            return len;
        }

        @Override
        public void closeStdin() { stdinClosed = true; }

        @Override
        public dev.jkata.agent.client.AgentClient.ProcessExit awaitExit() {
            try {
                exited.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new dev.jkata.agent.client.AgentClient.ProcessExit(status, false);
        }

        @Override
        public void signal(int signal) {
            lastSignal = signal;
            status = 128 + signal;
            exited.countDown();
            out.offer(new byte[0]);
        }

        @Override
        public void resize(int columns, int rows) {}
    }

    @Test
    void closeLetsGoOfTheWaiterWhenTheGuestNeverReportsTheExit() throws Exception {
        ScriptedChannel deaf = new ScriptedChannel() {
            @Override
            public void signal(int signal) {
                lastSignal = signal; // the kill is sent, and no exit ever comes back
            }
        };
        ShimProcess p = new ShimProcess("deaf1", deaf);
        p.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (liveThread("kata-wait-deaf1") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(liveThread("kata-wait-deaf1")).as("the waiter thread after close").isFalse();
        assertThat(deaf.lastSignal).isEqualTo(9);
        deaf.out.offer(new byte[0]);
    }

    private static boolean liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void afterOutputTheExitIsAskedForOnlyOnceBothStreamsEnded() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean waitedEarly = new java.util.concurrent.atomic.AtomicBoolean();
        CountDownLatch stderrEnd = new CountDownLatch(1);
        ScriptedChannel ch = new ScriptedChannel() {
            @Override
            public byte[] read(ProcessOutput output, int max) {
                if (output == ProcessOutput.STDERR) {
                    try {
                        stderrEnd.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new byte[0];
                }
                return super.read(output, max);
            }

            @Override
            public dev.jkata.agent.client.AgentClient.ProcessExit awaitExit() {
                // an agent shaped as Kata 1.x's: its WaitProcess would close streams still being read
                if (stderrEnd.getCount() > 0 || !out.isEmpty()) {
                    waitedEarly.set(true);
                }
                return new dev.jkata.agent.client.AgentClient.ProcessExit(0, false);
            }
        };
        try (ShimProcess p = new ShimProcess("order1", ch, false, ShimProcess.WaitOrder.AFTER_OUTPUT)) {
            ch.out.add("late output".getBytes(StandardCharsets.UTF_8));
            Thread.sleep(200);
            assertThat(p.onExit()).as("no exit before the output ended").isNotDone();
            ch.out.add(new byte[0]);
            stderrEnd.countDown();
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("late output");
            assertThat(p.waitFor(Duration.ofSeconds(5))).isEqualTo(ExitStatus.of(0));
            assertThat(waitedEarly).as("WaitProcess sent while output was still unread").isFalse();
        }
    }

    @Test
    void aTerminalHasOneStreamAndStderrEndsAtOnce() throws Exception {
        ScriptedChannel ch = new ScriptedChannel() {
            @Override
            public byte[] read(ProcessOutput output, int max) {
                if (output == ProcessOutput.STDERR) {
                    throw new AssertionError("a terminal's stderr must not be read: the agent serves the terminal there too");
                }
                return super.read(output, max);
            }
        };
        try (ShimProcess p = new ShimProcess("tty1", ch, true, ShimProcess.WaitOrder.AFTER_OUTPUT)) {
            assertThat(p.stderr().readAllBytes()).isEmpty();
            ch.out.add("tty".getBytes(StandardCharsets.UTF_8));
            ch.out.add(new byte[0]);
            ch.exited.countDown();
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("tty");
            assertThat(p.waitFor(Duration.ofSeconds(5))).isEqualTo(ExitStatus.of(0));
        }
    }

    @Test
    void streamsOutputThenReportsTheExitStatus() throws Exception {
        ScriptedChannel ch = new ScriptedChannel();
        try (ShimProcess p = new ShimProcess("e1", ch)) {
            ch.out.add("hello ".getBytes(StandardCharsets.UTF_8));
            ch.out.add("world".getBytes(StandardCharsets.UTF_8));
            ch.out.add(new byte[0]);
            ch.status = 3;
            ch.exited.countDown();
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello world");
            assertThat(p.waitFor(Duration.ofSeconds(5))).isEqualTo(ExitStatus.of(3));
        }
    }

    @Test
    void anUnreadStreamStopsThePumpInsteadOfBufferingWithoutBound() throws Exception {
        ScriptedChannel ch = new ScriptedChannel();
        try (ShimProcess p = new ShimProcess("e2", ch)) {
            byte[] chunk = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) { // 4 MiB offered, the pipe holds 1 MiB
                ch.out.add(chunk);
            }
            Thread.sleep(500);
            int readsWhileBlocked = ch.reads.get();
            assertThat(readsWhileBlocked).isLessThanOrEqualTo(ShimProcess.PIPE_BYTES / chunk.length + 1);
            long total = 0;
            byte[] buf = new byte[8192];
            ch.out.add(new byte[0]);
            int n;
            while ((n = p.stdout().read(buf)) > 0) {
                total += n;
            }
            assertThat(total).as("nothing dropped").isEqualTo(64L * chunk.length);
        }
    }

    @Test
    void stdinIsForwardedAndCloseSendsEofOnce() throws Exception {
        ScriptedChannel ch = new ScriptedChannel();
        try (ShimProcess p = new ShimProcess("e3", ch)) {
            byte[] data = new byte[200_000];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            p.stdin().write(data);
            p.stdin().close();
            p.stdin().close();
            assertThat(ch.stdin.toByteArray()).isEqualTo(data);
            assertThat(ch.stdinClosed).isTrue();
        }
    }

    @Test
    void waitForTimesOutWhileTheProcessRunsAndCloseKillsIt() throws Exception {
        ScriptedChannel ch = new ScriptedChannel();
        ShimProcess p = new ShimProcess("e4", ch);
        assertThatThrownBy(() -> p.waitFor(Duration.ofMillis(100))).isInstanceOf(KataTimeoutException.class);
        p.close();
        p.close();
        assertThat(ch.lastSignal).isEqualTo(9);
        assertThat(p.onExit().get(5, TimeUnit.SECONDS).signal()).isEqualTo(9);
    }

    @Test
    void anExitStatusOutOfRangeIsTheGuestsFaultAndTyped() throws Exception {
        ScriptedChannel ch = new ScriptedChannel();
        ch.status = 1000;
        ShimProcess p = new ShimProcess("e5", ch);
        ch.exited.countDown();
        ch.out.offer(new byte[0]);
        assertThatThrownBy(() -> p.waitFor(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOfSatisfying(dev.jkata.api.KataException.class,
                        e -> assertThat(e.reason()).isEqualTo(dev.jkata.api.KataErrorReason.PROTOCOL_VIOLATION))
                .hasMessageContaining("exit status 1000");
        p.close();
    }
}
