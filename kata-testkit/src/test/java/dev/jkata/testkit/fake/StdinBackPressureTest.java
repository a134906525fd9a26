package dev.jkata.testkit.fake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.Sandbox;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 M3, through the real agent (Fake.AGENT): a process that reads its stdin only after several call deadlines
 * still gets every byte exactly once, and the writer sees no error. With 1 s deadlines, each write that waits for the
 * reader outlives several of them.
 */
@Timeout(120)
class StdinBackPressureTest {
    @TempDir
    Path work;

    @BeforeEach
    void shortDeadlines() {
        System.setProperty("kata.agent.callDeadline", "PT1S");
        System.setProperty("kata.agent.longPollDeadline", "PT1S");
    }

    @AfterEach
    void restore() {
        System.clearProperty("kata.agent.callDeadline");
        System.clearProperty("kata.agent.longPollDeadline");
    }

    @Test
    void aSlowReaderGetsEveryByteAndTheWriterNoError() throws Exception {
        byte[] data = new byte[5 * 1024 * 1024 + 3];
        new java.util.Random(5).nextBytes(data);
        try (Sandbox sb = Sandbox.builder().provider(new FakeHypervisorProvider()).stateRoot(work).start();
             ExecProcess p = sb.exec(ExecSpec.builder("sh", "-c", "sleep 4; wc -c").build())) {
            long t0 = System.nanoTime();
            try (OutputStream in = p.stdin()) {
                in.write(data);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            String out = new String(p.stdout().readAllBytes(), StandardCharsets.US_ASCII).trim();
            assertThat(p.waitFor(Duration.ofSeconds(30)).code()).isZero();
            assertThat(out).isEqualTo(Integer.toString(data.length));
            assertThat(took).as("the writes waited for the reader, past several deadlines").isGreaterThan(Duration.ofSeconds(2));
        }
    }
}
