package dev.jkata.agent.protocol.transport;

import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;
import java.io.Closeable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's way to the agent: an address inside this JVM (a Netty {@link LocalAddress}) that a gRPC channel dials;
 * each connection made to it opens a new stream of the yamux session and is {@linkplain ChannelBridge bridged} to
 * it, so each HTTP/2 connection rides one yamux stream, as Kata's proxy carries them. Nothing listens outside the
 * JVM: no other process can reach the agent.
 */
public final class YamuxConnector implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(YamuxConnector.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final YamuxSession session;
    private final LocalAddress address;
    private final Channel server;
    private final Set<ChannelBridge> bridges = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private YamuxConnector(YamuxSession session, LocalAddress address, Channel server) {
        this.session = session;
        this.address = address;
        this.server = server;
    }

    /** Binds a new in-JVM address on {@code group}, whose event loops must run {@link LocalChannel}s. */
    public static YamuxConnector bind(YamuxSession session, EventLoopGroup group) {
        LocalAddress address = new LocalAddress("kata-agent-" + session.config().name() + "-" + INSTANCES.incrementAndGet());
        YamuxConnector[] self = new YamuxConnector[1];
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        self[0].attach(ch);
                    }
                })
                .bind(address).syncUninterruptibly().channel();
        self[0] = new YamuxConnector(session, address, server);
        return self[0];
    }

    /** Where a gRPC channel connects: {@code NettyChannelBuilder.forAddress(address()).channelType(LocalChannel.class)}. */
    public LocalAddress address() { return address; }

    /** Connections bridged now. */
    public int activeConnections() { return bridges.size(); }

    private void attach(LocalChannel ch) {
        if (closed.get()) {
            ch.close();
            return;
        }
        YamuxStream stream;
        try {
            stream = session.openStream();
        } catch (YamuxException e) {
            LOG.debug("connector {}: no stream, the session is gone: {}", address, e.getMessage());
            ch.close();
            return;
        }
        ChannelBridge bridge = new ChannelBridge(stream.getInputStream(), stream.getOutputStream(), stream,
                session.config().name() + "-" + connections.incrementAndGet());
        bridges.add(bridge);
        bridge.onClose(() -> bridges.remove(bridge));
        ch.pipeline().addLast(bridge.handler(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                bridge.start(ctx.channel());
                ctx.fireChannelActive();
            }
        });
    }

    /** Stops accepting and ends every bridged connection. Idempotent; the session stays open. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.close().syncUninterruptibly();
        for (ChannelBridge b : bridges) {
            b.close();
        }
    }

    @Override
    public String toString() { return "YamuxConnector[" + address + "]"; }
}
