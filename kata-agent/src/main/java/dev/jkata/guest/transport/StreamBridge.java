package dev.jkata.guest.transport;

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
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Joins a byte stream pair to a Netty channel: an inbound thread copies the stream into the channel, an
 * outbound thread writes what the channel receives to the stream. The outbound side is a queue, so a slow
 * stream never blocks the event loop; what it holds is bounded by the HTTP/2 flow-control window the peer
 * grants the server. The first end, error or close on either side closes everything.
 */
final class StreamBridge {
    private static final Logger LOG = Logger.getLogger(StreamBridge.class.getName());
    private static final int READ_SIZE = 64 * 1024;
    private static final byte[] END = new byte[0];

    private final InputStream in;
    private final OutputStream out;
    private final Closeable connection;
    private final LinkedBlockingQueue<byte[]> toStream = new LinkedBlockingQueue<>();
    private volatile Channel channel;
    private volatile boolean closed;

    StreamBridge(InputStream in, OutputStream out, Closeable connection) {
        this.in = in;
        this.out = out;
        this.connection = connection;
    }

    /** The handler that hands the channel's inbound bytes to the outbound thread. */
    ChannelHandler outbound() {
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
                LOG.log(Level.FINE, "bridge channel failed", cause);
                ctx.close();
            }
        };
    }

    /** Starts both threads once the channel is connected. */
    void start(Channel ch) {
        this.channel = ch;
        thread("bridge-in", this::pumpIn).start();
        thread("bridge-out", this::pumpOut).start();
    }

    /** The channel could not be connected: closes the stream. */
    void abort(Throwable cause) {
        LOG.log(Level.WARNING, "cannot connect a gRPC connection to the agent's server", cause);
        closeStream();
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
            if (!closed) {
                LOG.log(Level.FINE, "bridge input ended", e);
            }
        } finally {
            channel.close();
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
            LOG.log(Level.FINE, "bridge output ended", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            channel.close();
            closeStream();
        }
    }

    private void closeStream() {
        closed = true;
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the stream is gone already
        }
        try {
            connection.close();
        } catch (IOException | RuntimeException ignored) {
            // the stream is gone already
        }
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }
}
