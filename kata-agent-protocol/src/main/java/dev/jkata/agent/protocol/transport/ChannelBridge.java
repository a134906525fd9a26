package dev.jkata.agent.protocol.transport;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.ChannelFutureListener;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a byte stream pair (a yamux stream's, in practice) to a Netty channel inside this JVM: one thread copies
 * the stream into the channel, another writes what the channel receives to the stream. The channel side is a
 * queue, so a stream that blocks (a full yamux window) never blocks the event loop; what it holds is bounded by
 * the HTTP/2 flow-control window of the gRPC peer. The first end, error or close on either side closes both.
 * The host's agent client and the guest's agent server carry gRPC over yamux with this one class.
 */
public final class ChannelBridge implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelBridge.class);
    private static final int READ_SIZE = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final String name;
    private final LinkedBlockingQueue<byte[]> toStream = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel channel;
    private volatile Runnable onClose = () -> { };

    /**
     * @param connection closed with the bridge (the yamux stream itself)
     * @param name       names the bridge's threads: {@code bridge-in-NAME}, {@code bridge-out-NAME}
     */
    public ChannelBridge(InputStream in, OutputStream out, Closeable connection, String name) {
        this.in = in;
        this.out = out;
        this.connection = connection;
        this.name = name;
    }

    /** The handler to put in the channel's pipeline: it hands the channel's inbound bytes to the outbound thread. */
    public ChannelHandler handler() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                try {
                    byte[] b = new byte[buf.readableBytes()];
                    buf.readBytes(b);
                    toStream.add(b);
                } finally {
                    buf.release();
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                toStream.add(END);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                LOG.debug("bridge {}: channel failed", name, cause);
                ctx.close();
            }
        };
    }

    /** Runs {@code action} once the bridge has closed (to forget it in a set of live bridges). */
    public ChannelBridge onClose(Runnable action) {
        this.onClose = action;
        return this;
    }

    /** Starts both threads; the channel is active. */
    public void start(Channel ch) {
        this.channel = ch;
        thread("bridge-in-" + name, this::pumpIn).start();
        thread("bridge-out-" + name, this::pumpOut).start();
    }

    /** The channel could not be made: closes the stream. */
    public void abort(Throwable cause) {
        LOG.debug("bridge {}: no channel", name, cause);
        close();
    }

    private void pumpIn() {
        byte[] buf = new byte[READ_SIZE];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n > 0) {
                    channel.writeAndFlush(Unpooled.wrappedBuffer(Arrays.copyOf(buf, n)))
                            .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed.get()) {
                LOG.debug("bridge {}: input ended", name, e);
            }
        } finally {
            close();
        }
    }

    private void pumpOut() {
        try {
            while (true) {
                byte[] b = toStream.take();
                if (b == END) {
                    break;
                }
                out.write(b);
                if (toStream.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("bridge {}: output ended", name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** Closes the channel and the stream; both threads end. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channel ch = channel;
        if (ch != null) {
            ch.close();
        }
        toStream.add(END);
        quietly(out);
        quietly(in);
        quietly(connection);
        onClose.run();
    }

    private static void quietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // the stream is gone already
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public String toString() { return "ChannelBridge[" + name + "]"; }
}
