package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.container.GuestSandbox;
import dev.jkata.agent.fakes.AgentHarness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StdioRpcTest {
    @TempDir
    Path tmp;
    AgentHarness h;

    @BeforeEach
    void start() {
        h = AgentHarness.withIdleContainer(tmp, "c1");
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void execEchoHelloIsReadFromStdoutThenEofThenStatusZero() {
        h.exec("c1", "e1", "echo", "hello");

        assertThat(new String(h.readAll("c1", "e1", true), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(h.read("c1", "e1", false, 100)).isNull();
        assertThat(h.waitProcess("c1", "e1")).isZero();
    }

    @Test
    void endOfStreamIsStatusUnknownWithDescriptionEofAsUpstreamSends() {
        h.exec("c1", "e1", "true");
        h.waitProcess("c1", "e1");
        ReadStreamRequest r = ReadStreamRequest.newBuilder().setContainerId("c1").setExecId("e1").setLen(10).build();

        assertThatThrownBy(() -> h.agent.readStdout(r)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
            assertThat(e.getStatus().getDescription()).isEqualTo("EOF");
        });
    }

    @Test
    void stderrIsSeparateFromStdout() {
        h.exec("c1", "e1", "sh", "-c", "echo out; echo err >&2; exit 3");

        assertThat(new String(h.readAll("c1", "e1", true), StandardCharsets.UTF_8)).isEqualTo("out\n");
        assertThat(new String(h.readAll("c1", "e1", false), StandardCharsets.UTF_8)).isEqualTo("err\n");
        assertThat(h.waitProcess("c1", "e1")).isEqualTo(3);
    }

    @Test
    void readReturnsAtMostLenBytes() {
        h.exec("c1", "e1", "echo", "0123456789");
        h.waitProcess("c1", "e1");

        assertThat(h.read("c1", "e1", true, 4)).hasSize(4);
        assertThat(new String(h.readAll("c1", "e1", true), StandardCharsets.UTF_8)).isEqualTo("456789\n");
    }

    @Test
    void tenMebibytesThroughCatKeepTheirSha256() throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(data);
        h.exec("c1", "cat", "cat");

        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> h.readAll("c1", "cat", true));
        int chunk = 256 * 1024;
        for (int off = 0; off < data.length; off += chunk) {
            byte[] part = java.util.Arrays.copyOfRange(data, off, Math.min(data.length, off + chunk));
            assertThat(h.writeStdin("c1", "cat", part)).isEqualTo(part.length);
        }
        h.agent.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("cat").build());

        assertThat(sha256(out.get(60, TimeUnit.SECONDS))).isEqualTo(sha256(data));
        assertThat(h.waitProcess("c1", "cat")).isZero();
    }

    @Test
    void aProcessWritingMoreThanTheBufferBlocksInsteadOfLosingOutput(@TempDir Path files) throws Exception {
        h.close();
        h = new AgentHarness(tmp.resolve("small"), new GuestSandbox.Settings(64 * 1024, Duration.ofSeconds(30)));
        h.createSandbox();
        h.runContainer("c1", "sleep", "60");
        byte[] data = new byte[1024 * 1024];
        new Random(7).nextBytes(data);
        Path file = files.resolve("data");
        Files.write(file, data);
        h.exec("c1", "big", "cat", file.toString());

        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> h.waitProcess("c1", "big"));
        Thread.sleep(500);
        assertThat(exit).as("cat blocks on its full stdout while nobody reads").isNotDone();

        byte[] read = h.readAll("c1", "big", true);
        assertThat(sha256(read)).isEqualTo(sha256(data));
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void closeStdinEndsTheProcessInput() {
        h.exec("c1", "wc", "wc", "-c");
        h.writeStdin("c1", "wc", "12345".getBytes(StandardCharsets.UTF_8));
        h.agent.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("wc").build());

        assertThat(new String(h.readAll("c1", "wc", true), StandardCharsets.UTF_8).strip()).isEqualTo("5");
        assertThat(h.waitProcess("c1", "wc")).isZero();
    }

    @Test
    void writingStdinAfterCloseStdinIsFailedPrecondition() {
        h.exec("c1", "e1", "sleep", "10");
        h.agent.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("e1").build());

        assertThatThrownBy(() -> h.writeStdin("c1", "e1", new byte[] {1}))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void aWaitedExecIsForgottenOnceItsOutputIsDrained() {
        h.exec("c1", "e1", "echo", "x");
        assertThat(h.waitProcess("c1", "e1")).isZero();
        h.readAll("c1", "e1", true);
        assertThat(h.sandbox.container("c1").processes()).extracting(p -> p.execId()).contains("e1");

        h.readAll("c1", "e1", false);

        assertThat(h.sandbox.container("c1").processes()).extracting(p -> p.execId()).containsExactly("c1");
        assertThatThrownBy(() -> h.waitProcess("c1", "e1")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void theInitsStdioWorksAndAnEmptyExecIdNamesTheInit() {
        h.runContainer("c2", "sh", "-c", "read line; echo got $line");
        h.writeStdin("c2", "", "ping\n".getBytes(StandardCharsets.UTF_8));

        assertThat(new String(h.readAll("c2", "c2", true), StandardCharsets.UTF_8)).isEqualTo("got ping\n");
        assertThat(h.agent.waitProcess(WaitProcessRequest.newBuilder().setContainerId("c2").build()).getStatus()).isZero();
    }

    @Test
    void aReadBlocksUntilOutputComesAndACancelledReadReleasesItsThread() {
        h.exec("c1", "slow", "sh", "-c", "sleep 0.5; echo late");
        ReadStreamRequest r = ReadStreamRequest.newBuilder().setContainerId("c1").setExecId("slow").setLen(100).build();

        assertThatThrownBy(() -> h.agent(Duration.ofMillis(100)).readStdout(r))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(new String(h.readAll("c1", "slow", true), StandardCharsets.UTF_8)).isEqualTo("late\n");
    }

    static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
