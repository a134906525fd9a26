package dev.jkata.testkit.fake;

import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.guest.AgentChannels;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.agent.GuestAgent;
import dev.jkata.agent.container.GuestContainer;
import dev.jkata.agent.container.ContainerLayout;
import dev.jkata.agent.container.ProcessTable;
import dev.jkata.agent.fakes.FakeContainerRuntime;
import dev.jkata.agent.fakes.FakeGuestOs;
import dev.jkata.agent.fakes.FakeMounter;
import dev.jkata.agent.system.GuestInfo;
import dev.jkata.agent.server.YamuxAgentServer;
import java.nio.channels.ByteChannel;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import io.grpc.ServerInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest {@link FakeHypervisor} launches: kata-agent's {@link GuestAgent} over the fake runtime, mounter and
 * guest OS, serving yamux sessions on a UNIX socket, one connection at a time, as QEMU's virtio-serial socket
 * would. The agent's files (bundles, its cgroup and sysfs stand-ins) live under {@code <runDir>/guest}.
 */
final class InProcessAgentGuest implements Guest {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessAgentGuest.class);

    private final String sandboxId;
    private final Path root;
    private final Path socket;
    private final GuestAgent agent;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    /** The data channel's end (file transfers; forwarding too, to this host's own addresses), as QEMU's second port. */
    private final InProcessDataPort data;
    private final long launchedAt = System.nanoTime();
    private volatile boolean stopped;
    private volatile String failure;

    private InProcessAgentGuest(String sandboxId, Path root, Path socket, GuestAgent agent, ServerSocketChannel server,
                                InProcessDataPort data) {
        this.data = data;
        this.sandboxId = sandboxId;
        this.root = root;
        this.socket = socket;
        this.agent = agent;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "kata-fake-guest-" + sandboxId);
        this.acceptor.setDaemon(true);
    }

    static InProcessAgentGuest start(GuestRequest request, List<ServerInterceptor> shape) {
        Path root = request.runDir().resolve("guest");
        Path socket = request.runDir().resolve("agent.sock");
        GuestAgent agent = null;
        ServerSocketChannel server = null;
        InProcessDataPort data = null;
        try {
            Files.createDirectories(root);
            ContainerLayout layout = new ContainerLayout(root.resolve("run"), root.resolve("cgroup"));
            agent = GuestAgent.create(layout, new FakeContainerRuntime(), new FakeMounter(), new FakeGuestOs(),
                    new GuestInfo(root.resolve("sys")), new ProcessTable(), shape);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            GuestAgent a = agent;
            data = new InProcessDataPort(request.runDir().resolve("fwd.sock"), cid -> a.sandbox().container(cid).filesRoot(),
                    "kata-fake-data-" + request.sandboxId());
            InProcessAgentGuest guest = new InProcessAgentGuest(request.sandboxId(), root, socket, agent, server, data);
            guest.acceptor.start();
            return guest;
        } catch (IOException | RuntimeException e) {
            if (agent != null) {
                agent.close();
            }
            closeQuietly(server);
            if (data != null) {
                try {
                    data.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new KataException(KataErrorReason.IO, "the fake hypervisor cannot start the in-process agent for sandbox "
                    + request.sandboxId() + ": " + e.getMessage(), request.sandboxId(), e);
        }
    }

    /** Serves one host connection after another, each a yamux server session, until {@link #stop}. */
    private void acceptLoop() {
        try {
            while (!stopped) {
                SocketChannel connection = server.accept();
                agent.yamux().serve(YamuxSession.server(connection, YamuxAgentServer.defaultConfig()));
            }
        } catch (ClosedChannelException e) {
            // stopped
        } catch (IOException | RuntimeException e) {
            if (!stopped) {
                failure = "the in-process agent's socket failed: " + e;
                LOG.warn("Fake guest of sandbox {}: {}", sandboxId, failure);
            }
        }
    }

    @Override
    public ByteChannel connectAgent() { return AgentChannels.unixSocket(socket); }

    @Override
    public Optional<Path> forwardSocket() { return Optional.of(data.socket()); }

    /** The agent's shared-storage directory in the fake guest's files (what {@code /run/kata-containers/shared} is in a VM). */
    @Override
    public String sharedRoot() { return agent.sandbox().layout().stateRoot().resolve("shared").toString(); }

    @Override
    public Duration sinceLaunch() { return Duration.ofNanos(System.nanoTime() - launchedAt); }

    @Override
    public Optional<String> failure() {
        return stopped ? Optional.of("the fake guest was stopped") : Optional.ofNullable(failure);
    }

    @Override
    public String describe() { return "FAKE: in-process agent, host processes"; }

    /** Nothing outlives the fake: there is no console. */
    @Override
    public void keepDiagnostics() { }

    /** Kills every container process (waiting at most {@code grace} for each container), ends the agent and its socket. */
    @Override
    public void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        for (GuestContainer c : agent.sandbox().containers()) {
            try {
                agent.sandbox().removeContainer(c.id(), grace);
            } catch (RuntimeException e) {
                LOG.debug("Fake guest of sandbox {}: removing container {}: {}", sandboxId, c.id(), e.getMessage());
            }
        }
        closeQuietly(server);
        try {
            data.close();
        } catch (IOException e) {
            LOG.debug("closing the fake guest's data port: {}", e.getMessage());
        }
        agent.close();
        try {
            acceptor.join(grace.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.debug("cannot delete {}: {}", socket, e.getMessage());
        }
    }

    private static void closeQuietly(ServerSocketChannel server) {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                LOG.debug("closing the fake guest's socket: {}", e.getMessage());
            }
        }
    }

    @Override
    public String toString() { return "InProcessAgentGuest[" + sandboxId + ", " + root + "]"; }
}
