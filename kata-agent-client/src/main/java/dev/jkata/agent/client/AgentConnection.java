package dev.jkata.agent.client;

import dev.jkata.agent.client.proxy.YamuxProxy;
import dev.jkata.agent.protocol.transport.YamuxConnector;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What carries an {@link AgentClient}'s calls: the transport to the guest, the one yamux session on it, the in-JVM
 * connector gRPC dials (each HTTP/2 connection a new yamux stream), the gRPC channel, and the socket for other
 * processes when one is exposed. Built whole or not at all; closed as one.
 */
final class AgentConnection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentConnection.class);

    private final ByteChannel transport;
    private final YamuxSession session;
    private final YamuxConnector connector;
    private final EventLoopGroup loop;
    private final ManagedChannel channel;
    private volatile YamuxProxy exposed;

    private AgentConnection(ByteChannel transport, YamuxSession session, YamuxConnector connector, EventLoopGroup loop,
                            ManagedChannel channel) {
        this.transport = transport;
        this.session = session;
        this.connector = connector;
        this.loop = loop;
        this.channel = channel;
    }

    /** Starts yamux on {@code transport}, which it owns from here and closes, also when this fails. */
    static AgentConnection open(ByteChannel transport, AgentClientConfig config) {
        Objects.requireNonNull(transport, "transport");
        YamuxSession session = null;
        YamuxConnector connector = null;
        EventLoopGroup loop = null;
        try {
            // the agent opens no streams to the host: any it opens is refused at once, holding nothing
            session = YamuxSession.client(transport, YamuxConfig.builder().name("agent").acceptBacklog(0)
                    .maxInboundStreams(0).build());
            loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("kata-agent-grpc", true),
                    LocalIoHandler.newFactory());
            connector = YamuxConnector.bind(session, loop);
            ManagedChannel channel = NettyChannelBuilder.forAddress(connector.address())
                    .channelType(LocalChannel.class)
                    .eventLoopGroup(loop)
                    // grpc asks every transport for TCP keep-alive, which a local channel does not have (Netty warns)
                    .withOption(ChannelOption.SO_KEEPALIVE, null)
                    .usePlaintext()
                    .maxInboundMessageSize((int) config.maxMessage().toBytes())
                    .build();
            return new AgentConnection(transport, session, connector, loop, channel);
        } catch (RuntimeException e) {
            closeQuietly(connector, session, transport);
            if (loop != null) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw new KataException(KataErrorReason.AGENT_FAILED, "cannot start a session with the agent: "
                    + e.getMessage(), e);
        }
    }

    ManagedChannel channel() { return channel; }

    YamuxSession session() { return session; }

    /** One yamux ping, timed. */
    Duration ping(Duration timeout) throws InterruptedException {
        try {
            return session.ping(timeout);
        } catch (YamuxException e) {
            throw YamuxErrors.map("yamux ping to the agent", e);
        }
    }

    /** See {@link AgentClient#exposeSocket}. */
    synchronized Path expose(Path socketPath) {
        if (exposed != null) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, "the agent is exposed at " + exposed.socketPath() + " already");
        }
        exposed = YamuxProxy.start(session, socketPath);
        return socketPath;
    }

    /** Cancels every call in flight, closes the connector, any exposed socket, the yamux session and the transport. */
    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(exposed, connector, session, transport);
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static void closeQuietly(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("close failed: {}", e.toString());
                }
            }
        }
    }
}
