package dev.jkata.agent.server;

import com.google.protobuf.ByteString;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.CheckRequest;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.HealthCheckResponse;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WriteStreamRequest;
import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.transport.YamuxConnector;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.GuestAgent;
import dev.jkata.agent.container.ContainerLayout;
import dev.jkata.agent.container.ProcessTable;
import dev.jkata.agent.fakes.AgentHarness;
import dev.jkata.agent.fakes.FakeContainerRuntime;
import dev.jkata.agent.fakes.FakeGuestOs;
import dev.jkata.agent.fakes.FakeMounter;
import dev.jkata.agent.system.GuestInfo;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole agent over yamux, as the host reaches it: the host's yamux client session on a UNIX socket (QEMU's
 * role), the host's in-JVM connector (as the agent client dials it), and gRPC through it into the agent's yamux server, its Netty local bridge
 * and its services (with the fake runtime).
 */
class YamuxEndToEndTest {
    @TempDir
    Path tmp;
    GuestAgent agent;
    ServerSocketChannel guestSide;
    YamuxSession hostSession;
    YamuxConnector connector;
    EventLoopGroup loop;
    ManagedChannel channel;

    @BeforeEach
    void connect() throws IOException {
        ContainerLayout layout = new ContainerLayout(tmp.resolve("state"), tmp.resolve("cgroup"));
        agent = GuestAgent.create(layout, new FakeContainerRuntime(), new FakeMounter(), new FakeGuestOs(),
                new GuestInfo(tmp.resolve("sys")), new ProcessTable());
        Path agentSocket = tmp.resolve("agent.sock");
        guestSide = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        guestSide.bind(UnixDomainSocketAddress.of(agentSocket));
        Thread guest = new Thread(() -> {
            try {
                SocketChannel port = guestSide.accept();
                agent.yamux().serve(YamuxSession.server(port, YamuxAgentServer.defaultConfig()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "test-guest");
        guest.setDaemon(true);
        guest.start();

        hostSession = YamuxSession.client(SocketChannel.open(UnixDomainSocketAddress.of(agentSocket)), YamuxConfig.defaults());
        loop = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        connector = YamuxConnector.bind(hostSession, loop);
        channel = NettyChannelBuilder.forAddress(connector.address())
                .channelType(LocalChannel.class).eventLoopGroup(loop).usePlaintext().build();
    }

    @AfterEach
    void close() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        connector.close();
        hostSession.close();
        agent.close();
        guestSide.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void healthCheckIsServingThroughYamux() {
        HealthCheckResponse r = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .check(CheckRequest.getDefaultInstance());

        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(hostSession.streamCount()).isEqualTo(1);
    }

    @Test
    void aContainerRunsAndStdioRoundTripsThroughYamux() throws Exception {
        AgentServiceGrpc.AgentServiceBlockingStub stub = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        stub.createSandbox(CreateSandboxRequest.newBuilder().setHostname("kata").build());
        Files.createDirectories(tmp.resolve("state/shared/containers/c1/rootfs"));
        stub.createContainer(CreateContainerRequest.newBuilder().setContainerId("c1").setExecId("c1")
                .setOCI(AgentHarness.spec(AgentHarness.process("sleep", "30"))).build());
        stub.startContainer(StartContainerRequest.newBuilder().setContainerId("c1").build());

        stub.execProcess(ExecProcessRequest.newBuilder().setContainerId("c1").setExecId("hello")
                .setProcess(AgentHarness.process("echo", "hello")).build());
        assertThat(new String(readAll(stub, "hello"), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(stub.waitProcess(WaitProcessRequest.newBuilder().setContainerId("c1").setExecId("hello").build()).getStatus())
                .isZero();

        byte[] data = new byte[2 * 1024 * 1024];
        new Random(1).nextBytes(data);
        stub.execProcess(ExecProcessRequest.newBuilder().setContainerId("c1").setExecId("cat")
                .setProcess(AgentHarness.process("cat")).build());
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(stub, "cat"));
        for (int off = 0; off < data.length; off += 128 * 1024) {
            stub.writeStdin(WriteStreamRequest.newBuilder().setContainerId("c1").setExecId("cat")
                    .setData(ByteString.copyFrom(data, off, Math.min(128 * 1024, data.length - off))).build());
        }
        stub.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("cat").build());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        assertThat(sha.digest(out.get(60, TimeUnit.SECONDS))).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    private static byte[] readAll(AgentServiceGrpc.AgentServiceBlockingStub stub, String execId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            try {
                out.writeBytes(stub.readStdout(ReadStreamRequest.newBuilder().setContainerId("c1").setExecId(execId)
                        .setLen(64 * 1024).build()).getData().toByteArray());
            } catch (StatusRuntimeException e) {
                if (AgentHarness.isEof(e)) {
                    return out.toByteArray();
                }
                throw e;
            }
        }
    }
}
