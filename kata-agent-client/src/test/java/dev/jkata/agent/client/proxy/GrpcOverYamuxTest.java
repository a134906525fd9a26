package dev.jkata.agent.client.proxy;

import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.CheckRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsRequest;
import dev.jkata.agent.protocol.proto.HealthCheckResponse;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.proto.VersionCheckResponse;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gRPC through the host proxy, one yamux session, and the guest forwarder to a gRPC server on a UNIX socket. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GrpcOverYamuxTest {
    @TempDir
    Path dir;

    private EventLoopGroup group;
    private Server agent;
    private SocketChannel hostEnd;
    private SocketChannel guestEnd;
    private YamuxSession host;
    private YamuxSession guest;
    private YamuxForwarder forwarder;
    private YamuxProxy proxy;
    private final List<ManagedChannel> channels = new ArrayList<>();

    /** The guest agent's health service, as the test's gRPC server. */
    static final class HealthService extends HealthGrpc.HealthImplBase {
        @Override
        public void check(CheckRequest request, StreamObserver<HealthCheckResponse> response) {
            response.onNext(HealthCheckResponse.newBuilder().setStatus(HealthCheckResponse.ServingStatus.SERVING).build());
            response.onCompleted();
        }

        @Override
        public void version(CheckRequest request, StreamObserver<VersionCheckResponse> response) {
            response.onNext(VersionCheckResponse.newBuilder().setAgentVersion("test-" + request.getService()).build());
            response.onCompleted();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        Path agentSocket = dir.resolve("agent.sock");
        group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        agent = NettyServerBuilder.forAddress(new DomainSocketAddress(agentSocket.toString()))
                .channelType(EpollServerDomainSocketChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(new HealthService())
                .build()
                .start();

        Path link = dir.resolve("link.sock");
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(link));
            hostEnd = SocketChannel.open(UnixDomainSocketAddress.of(link));
            guestEnd = listener.accept();
        }
        Files.delete(link);
        host = YamuxSession.client(hostEnd, YamuxConfig.builder().name("host").build());
        guest = YamuxSession.server(guestEnd, YamuxConfig.builder().name("guest").build());
        forwarder = YamuxForwarder.start(guest, agentSocket);
        proxy = YamuxProxy.start(host, dir.resolve("proxy.sock"));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (ManagedChannel c : channels) {
            c.shutdownNow();
            c.awaitTermination(5, TimeUnit.SECONDS);
        }
        proxy.close();
        forwarder.close();
        host.close();
        guest.close();
        agent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private ManagedChannel channel() {
        ManagedChannel c = Grpc.newChannelBuilder("unix://" + proxy.socketPath().toAbsolutePath(),
                InsecureChannelCredentials.create()).build();
        channels.add(c);
        return c;
    }

    @Test
    void healthCheckReachesTheGuestServerThroughTheProxy() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
        HealthCheckResponse r = health.check(CheckRequest.getDefaultInstance());
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(health.version(CheckRequest.newBuilder().setService("x").build()).getAgentVersion()).isEqualTo("test-x");
        assertThat(proxy.activeConnections()).isEqualTo(1);
        assertThat(host.streamCount()).isEqualTo(1);
    }

    @Test
    void anRpcTheServerLacksAnswersUnimplemented() {
        AgentServiceGrpc.AgentServiceBlockingStub agentService =
                AgentServiceGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> agentService.getGuestDetails(GuestDetailsRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    }

    @Test
    void severalChannelsCallConcurrentlyEachOnItsOwnStream() throws Exception {
        List<CompletableFuture<HealthCheckResponse.ServingStatus>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
            for (int j = 0; j < 25; j++) {
                calls.add(CompletableFuture.supplyAsync(() -> stub.check(CheckRequest.getDefaultInstance()).getStatus()));
            }
        }
        for (CompletableFuture<HealthCheckResponse.ServingStatus> c : calls) {
            assertThat(c.get(20, TimeUnit.SECONDS)).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
        assertThat(host.streamCount()).isEqualTo(4);
    }

    @Test
    void closingAChannelClosesItsStreamOnBothSides() throws Exception {
        ManagedChannel c = channel();
        HealthGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS).check(CheckRequest.getDefaultInstance());
        c.shutdown();
        assertThat(c.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        awaitZero(host::streamCount);
        awaitZero(guest::streamCount);
        awaitZero(proxy::activeConnections);
        awaitZero(forwarder::activeStreams);
    }

    @Test
    void whenTheSessionEndsTheProxyClosesItsConnectionsAndItself() throws Exception {
        SocketChannel conn = SocketChannel.open(UnixDomainSocketAddress.of(proxy.socketPath()));
        awaitTrue(() -> proxy.activeConnections() == 1);
        guest.close();
        assertThat(host.awaitClosed(Duration.ofSeconds(5))).isTrue();
        ByteBuffer buf = ByteBuffer.allocate(16);
        int n;
        do {
            n = conn.read(buf);
            buf.clear();
        } while (n > 0);
        assertThat(n).isEqualTo(-1);
        conn.close();
        awaitTrue(() -> !Files.exists(proxy.socketPath()));
    }

    @Test
    void theSocketIsTheOwnersOnlyAndRefusesPeersOfOtherUsers(@TempDir Path open) throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(proxy.socketPath()))).isEqualTo("rw-------");
        if (!"0".equals(uidOf("/proc/self"))) {
            // a second user needs root; as anyone else, the mode above is what keeps others out
            return;
        }
        // Let the file system admit the other user, so the peer check is the only thing left to refuse it.
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        YamuxProxy wide = YamuxProxy.start(host, open.resolve("wide.sock"));
        try {
            Files.setPosixFilePermissions(wide.socketPath(), PosixFilePermissions.fromString("rw-rw-rw-"));
            String script = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(5)\n"
                    + "s.connect(sys.argv[1])\n"
                    // the refusal may close the socket before the preface is written: a broken pipe is a refusal too
                    + "try:\n  s.sendall(b'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n')\n"
                    + "  print('closed' if s.recv(1)==b'' else 'answered')\nexcept ConnectionError:\n  print('closed')\n"
                    + "except socket.timeout:\n  print('open')\n";
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "/usr/bin/python3", "-c", script, wide.socketPath().toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertThat(p.waitFor()).as(out).isZero();
            assertThat(out).as("a connection from uid 65534").isEqualTo("closed");
            assertThat(wide.activeConnections()).isZero();
        } finally {
            wide.close();
        }
    }

    private static String uidOf(String path) throws IOException {
        return Files.getAttribute(Path.of(path), "unix:uid").toString();
    }

    private interface IntProbe {
        int get();
    }

    private interface BoolProbe {
        boolean get();
    }

    private static void awaitZero(IntProbe probe) throws InterruptedException {
        awaitTrue(() -> probe.get() == 0);
    }

    private static void awaitTrue(BoolProbe probe) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!probe.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
