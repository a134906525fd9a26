package dev.jkata.agent.client.proxy;

import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import jdk.net.UnixDomainPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The host side of the agent proxy: listens on a UNIX socket and carries each accepted connection over
 * a new stream of a client {@link YamuxSession}. A gRPC channel dialled to the socket thus reaches the
 * guest agent, one HTTP/2 connection per stream.
 *
 * <p>The socket is made mode 0600 and refuses a peer of another user (its credentials, SO_PEERCRED); still, put
 * it in a directory only the owner can enter. When the session ends the proxy closes itself and its connections, so callers fail fast rather than hang.
 */
public final class YamuxProxy implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(YamuxProxy.class);
    private static final UserPrincipal OWNER = owner();

    private final YamuxSession session;
    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final Thread watcher;
    private final BridgeSet bridges = new BridgeSet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong connections = new AtomicLong();

    private YamuxProxy(YamuxSession session, Path socketPath, ServerSocketChannel server) {
        this.session = session;
        this.socketPath = socketPath;
        this.server = server;
        this.acceptor = new Thread(this::acceptLoop, "yamux-proxy-" + session.config().name());
        this.acceptor.setDaemon(true);
        this.watcher = new Thread(this::watchSession, "yamux-proxy-watch-" + session.config().name());
        this.watcher.setDaemon(true);
    }

    /**
     * Listens on {@code socketPath} (which must not exist) and starts proxying.
     *
     * @throws KataException (reason IO) when the socket cannot be bound
     */
    public static YamuxProxy start(YamuxSession session, Path socketPath) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(socketPath, "socketPath");
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socketPath));
            Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            if (server != null) {
                try {
                    server.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw new KataException(KataErrorReason.IO, "cannot listen on the proxy socket " + socketPath + ": " + e.getMessage(), e);
        }
        YamuxProxy proxy = new YamuxProxy(session, socketPath, server);
        proxy.acceptor.start();
        proxy.watcher.start();
        return proxy;
    }

    /** The socket clients connect to. */
    public Path socketPath() { return socketPath; }

    /** Connections being proxied now. */
    public int activeConnections() { return bridges.size(); }

    private void watchSession() {
        try {
            while (!closed.get()) {
                if (session.awaitClosed(Duration.ofSeconds(1))) {
                    LOG.debug("proxy {}: the yamux session ended, closing", socketPath);
                    close();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed.get()) {
            SocketChannel conn;
            try {
                conn = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed.get()) {
                    LOG.warn("proxy {}: accepting a connection failed, closing: {}", socketPath, e.toString());
                    close();
                }
                return;
            }
            if (!sameUser(conn)) {
                closeQuietly(conn);
                continue;
            }
            YamuxStream stream;
            try {
                stream = session.openStream();
            } catch (YamuxException e) {
                LOG.debug("proxy {}: the yamux session is gone ({}), closing", socketPath, e.getMessage());
                closeQuietly(conn);
                close();
                return;
            }
            String name = session.config().name() + "-" + connections.incrementAndGet();
            bridges.bridge(stream, conn, name, closed::get);
        }
    }

    /** Stops listening, removes the socket file and aborts every proxied connection. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("proxy {}: closing the listener failed", socketPath, e);
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            LOG.debug("proxy {}: removing the socket file failed", socketPath, e);
        }
        bridges.closeAll();
    }

    /** Whether the peer runs as this process's user; anyone else is refused and logged at WARN. */
    private boolean sameUser(SocketChannel conn) {
        try {
            UnixDomainPrincipal peer = conn.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (peer.user().equals(OWNER)) {
                return true;
            }
            LOG.warn("proxy {}: refused a connection from user {}", socketPath, peer.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("proxy {}: refused a connection whose peer is unknown: {}", socketPath, e.toString());
        }
        return false;
    }

    private static UserPrincipal owner() {
        try {
            return Files.getOwner(Path.of("/proc/self"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell this process's user from /proc/self", e);
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    @Override
    public String toString() { return "YamuxProxy[" + socketPath + "]"; }
}
