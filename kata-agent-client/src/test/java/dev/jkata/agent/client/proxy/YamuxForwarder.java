package dev.jkata.agent.client.proxy;

import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guest side of the agent proxy: accepts every stream the peer opens on a {@link YamuxSession} and
 * connects it to a local UNIX socket (the agent's gRPC server), pumping bytes both ways. A stream whose
 * connection fails is reset. Ends when the session ends or on {@link #close()}.
 */
public final class YamuxForwarder implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(YamuxForwarder.class);

    private final YamuxSession session;
    private final UnixDomainSocketAddress target;
    private final Thread acceptor;
    private final BridgeSet bridges = new BridgeSet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong forwarded = new AtomicLong();

    private YamuxForwarder(YamuxSession session, Path target) {
        this.session = session;
        this.target = UnixDomainSocketAddress.of(target);
        this.acceptor = new Thread(this::acceptLoop, "yamux-forwarder-" + session.config().name());
        this.acceptor.setDaemon(true);
    }

    /** Starts accepting streams of {@code session} and forwarding each to the socket at {@code target}. */
    public static YamuxForwarder start(YamuxSession session, Path target) {
        YamuxForwarder f = new YamuxForwarder(Objects.requireNonNull(session, "session"), Objects.requireNonNull(target, "target"));
        f.acceptor.start();
        return f;
    }

    /** Streams being forwarded now. */
    public int activeStreams() { return bridges.size(); }

    private void acceptLoop() {
        while (!closed.get()) {
            YamuxStream stream;
            try {
                stream = session.accept();
            } catch (YamuxException e) {
                LOG.debug("forwarder to {}: the yamux session ended: {}", target, e.getMessage());
                close();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            SocketChannel conn;
            try {
                conn = SocketChannel.open(target);
            } catch (IOException e) {
                LOG.warn("forwarder: cannot connect stream {} to {}: {}", stream.id(), target, e.toString());
                stream.reset();
                continue;
            }
            String name = session.config().name() + "-" + forwarded.incrementAndGet();
            bridges.bridge(stream, conn, name, closed::get);
        }
    }

    /** Stops accepting and aborts every forwarded stream. The session stays open. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != acceptor) {
            acceptor.interrupt();
        }
        bridges.closeAll();
    }

    @Override
    public String toString() { return "YamuxForwarder[" + target + "]"; }
}
