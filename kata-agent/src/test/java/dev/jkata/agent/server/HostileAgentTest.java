package dev.jkata.agent.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.AgentClientConfig;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.ReadStreamResponse;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WaitProcessResponse;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's agent client against an agent that lies: statuses that pass for timeouts, descriptions full of escape
 * sequences, answers slower than the long-poll deadline. Served through the real yamux server and gRPC bridge.
 */
@Timeout(60)
class HostileAgentTest {
    @TempDir
    Path tmp;

    private ServerSocketChannel guestSide;
    private YamuxAgentServer yamux;
    private GrpcConnectionServer grpc;
    private AgentClient client;
    private final AtomicInteger waits = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private volatile long firstWait;
    private volatile long firstRead;

    /** Answers WaitProcess and ReadStdout only 2.5 s after they are first asked; SignalProcess with lies. */
    final class Liar extends AgentServiceGrpc.AgentServiceImplBase {
        @Override
        public void waitProcess(WaitProcessRequest req, StreamObserver<WaitProcessResponse> o) {
            if (waits.getAndIncrement() == 0) {
                firstWait = System.nanoTime();
            }
            if (System.nanoTime() - firstWait > 2_500_000_000L) {
                o.onNext(WaitProcessResponse.newBuilder().setStatus(7).build());
                o.onCompleted();
            } // else: no answer; the host's deadline ends the call
        }

        @Override
        public void readStdout(ReadStreamRequest req, StreamObserver<ReadStreamResponse> o) {
            if (reads.getAndIncrement() == 0) {
                firstRead = System.nanoTime();
            }
            if (System.nanoTime() - firstRead > 2_500_000_000L) {
                o.onNext(ReadStreamResponse.newBuilder().setData(ByteString.copyFromUtf8("late")).build());
                o.onCompleted();
            }
        }

        @Override
        public void signalProcess(SignalProcessRequest req, StreamObserver<Empty> o) {
            switch (req.getSignal()) {
                case 1 -> o.onError(Status.DEADLINE_EXCEEDED.withDescription("pretend").asRuntimeException());
                case 2 -> o.onError(Status.INVALID_ARGUMENT.withDescription("\u001b]52;c;c2VjcmV0\u0007\u001b[2J"
                        + "x".repeat(10_000) + "\u2028forged log line").asRuntimeException());
                default -> { } // never answers
            }
        }
    }

    @BeforeEach
    void connect() throws IOException {
        grpc = new GrpcConnectionServer(List.of(new Liar()));
        yamux = new YamuxAgentServer(grpc, YamuxAgentServer.defaultConfig());
        Path socket = tmp.resolve("agent.sock");
        guestSide = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        guestSide.bind(UnixDomainSocketAddress.of(socket));
        Thread guest = new Thread(() -> {
            try {
                SocketChannel port = guestSide.accept();
                yamux.serve(YamuxSession.server(port, YamuxAgentServer.defaultConfig()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "test-liar");
        guest.setDaemon(true);
        guest.start();
        client = AgentClient.connect(SocketChannel.open(UnixDomainSocketAddress.of(socket)),
                new AgentClientConfig(Duration.ofSeconds(2), Duration.ofSeconds(1),
                MemorySize.ofMiB(4)));
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        yamux.close();
        grpc.close();
        guestSide.close();
    }

    @Test
    void aWaitLongerThanTheLongPollDeadlineIsAskedAgainNotFailed() {
        assertThat(client.waitProcess("c", "e")).isEqualTo(7);
        assertThat(waits.get()).as("asked again after each 1 s deadline").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aReadLongerThanTheLongPollDeadlineIsAskedAgainAndItsBytesArrive() {
        assertThat(client.readStdout("c", "e", 1024)).asString().isEqualTo("late");
        assertThat(reads.get()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aDeadlineExceededTheGuestSendsIsTheAgentsFailureNotATimeout() {
        assertThatThrownBy(() -> client.signalProcess("c", "e", 1))
                .isInstanceOfSatisfying(KataException.class, e -> assertThat(e.reason()).isEqualTo(KataErrorReason.AGENT_FAILED))
                .isNotInstanceOf(KataTimeoutException.class).hasMessageContaining("sent by the agent");
    }

    @Test
    void anOrdinaryCallTheGuestNeverAnswersIsATimeout() {
        assertThatThrownBy(() -> client.signalProcess("c", "e", 9)).isInstanceOf(KataTimeoutException.class);
    }

    @Test
    void theGuestsRefusalIsNotTheCallersMistakeAndItsTextIsDefused() {
        assertThatThrownBy(() -> client.signalProcess("c", "e", 2))
                .isInstanceOfSatisfying(KataException.class, e -> {
                    assertThat(e.reason()).isEqualTo(KataErrorReason.AGENT_FAILED);
                    assertThat(e.getMessage()).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u2028")
                            .hasSizeLessThan(800);
                });
    }
}
