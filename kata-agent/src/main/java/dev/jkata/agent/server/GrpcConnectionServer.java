package dev.jkata.agent.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.bootstrap.Bootstrap;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFuture;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.ChannelInitializer;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.local.LocalAddress;
import io.grpc.netty.shaded.io.netty.channel.local.LocalChannel;
import io.grpc.netty.shaded.io.netty.channel.local.LocalIoHandler;
import io.grpc.netty.shaded.io.netty.channel.local.LocalServerChannel;

import dev.jkata.agent.protocol.transport.ChannelBridge;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A gRPC server that serves connections arriving as plain byte streams (yamux streams, in the agent).
 *
 * <p>The server listens on a Netty {@link LocalAddress}, inside this JVM. {@link #serve} connects a Netty
 * {@link LocalChannel} to it and bridges the byte stream to that channel with two daemon threads, one per
 * direction ({@link ChannelBridge}, which the host's agent client uses too); each byte stream thus carries exactly one HTTP/2 connection, as Kata's
 * proxy expects. One event loop thread serves all connections; RPC bodies run on a cached pool, so a
 * blocking RPC (WaitProcess, ReadStdout) holds a thread but never the event loop.
 */
public final class GrpcConnectionServer implements Closeable {
    /** The largest request the server accepts (CopyFile and WriteStdin parts). */
    public static final int MAX_INBOUND_MESSAGE = 8 * 1024 * 1024;

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final AtomicInteger CONNECTIONS = new AtomicInteger();

    private final LocalAddress address;
    private final EventLoopGroup group;
    private final ExecutorService executor;
    private final Server server;

    /** Starts a server with {@code services}. */
    public GrpcConnectionServer(List<BindableService> services) {
        this.address = new LocalAddress("kata-agent-" + INSTANCES.incrementAndGet());
        this.group = new MultiThreadIoEventLoopGroup(1, daemonThreads("agent-netty"), LocalIoHandler.newFactory());
        this.executor = Executors.newCachedThreadPool(daemonThreads("agent-rpc"));
        NettyServerBuilder b = NettyServerBuilder.forAddress(address)
                .channelType(LocalServerChannel.class)
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .executor(executor)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE)
                // the host may keep its connection alive with HTTP/2 pings, as often as it likes
                .permitKeepAliveWithoutCalls(true)
                .permitKeepAliveTime(1, TimeUnit.SECONDS)
                // grpc asks every accepted channel for TCP keep-alive, which Netty's local channels lack (a warning each)
                .withChildOption(ChannelOption.SO_KEEPALIVE, null);
        services.forEach(b::addService);
        try {
            this.server = b.build().start();
        } catch (IOException e) {
            group.shutdownGracefully();
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start the agent's gRPC server", e);
        }
    }

    /**
     * Serves one gRPC connection over a byte stream pair, in the background. When either side ends, both
     * streams and {@code connection} are closed.
     */
    public void serve(InputStream in, OutputStream out, Closeable connection) {
        ChannelBridge bridge = new ChannelBridge(in, out, connection, "agent-" + CONNECTIONS.incrementAndGet());
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(bridge.handler());
                    }
                })
                .connect(address);
        connect.addListener(f -> {
            if (f.isSuccess()) {
                bridge.start(connect.channel());
            } else {
                bridge.abort(f.cause());
            }
        });
    }

    /** Stops accepting calls and connections, and ends those that run. */
    @Override
    public void close() {
        server.shutdownNow();
        try {
            server.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        executor.shutdownNow();
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
