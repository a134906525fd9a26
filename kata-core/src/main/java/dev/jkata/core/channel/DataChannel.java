package dev.jkata.core.channel;

import dev.jkata.agent.protocol.forward.ForwardReply;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxException;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The host's end of the guest's data channel (its forwarding port): a yamux client session on QEMU's socket for it,
 * one per sandbox, carrying the bytes that do not belong on the agent's RPCs: published ports' and allow-listed
 * connections ({@link #open(ForwardRequest)}) and file transfers ({@link #openStream()}). Each stream the guest opens
 * goes to the inbound handler on a thread of its own.
 */
public final class DataChannel implements Closeable {
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(15);

    private final SocketChannel transport;
    private final YamuxSession session;
    private final Thread acceptor;
    /** Streams the guest may have open at once: each holds a thread or two on the host. */
    private final java.util.concurrent.Semaphore inboundSlots = new java.util.concurrent.Semaphore(MAX_INBOUND);
    static final int MAX_INBOUND = 256;

    private DataChannel(SocketChannel transport, YamuxSession session, Consumer<YamuxStream> inbound, String name) {
        this.transport = transport;
        this.session = session;
        this.acceptor = new Thread(() -> acceptLoop(inbound, name), "kata-forward-" + name);
        acceptor.setDaemon(true);
    }

    public static DataChannel connect(Path socket, Consumer<YamuxStream> inbound, String sandboxId) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            YamuxSession s = YamuxSession.client(ch, YamuxConfig.builder().name("forward-" + sandboxId)
                    .streamWriteTimeout(Duration.ofSeconds(60)).build());
            DataChannel c = new DataChannel(ch, s, inbound, sandboxId);
            c.acceptor.start();
            return c;
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            throw new KataException(KataErrorReason.NETWORK_FAILED, "cannot connect to the guest's forwarding port "
                    + socket + ": " + e.getMessage(), sandboxId, e);
        }
    }

    /** Opens a stream with {@code request} and waits for the guest's reply; a refusal is an IOException saying why. */
    public YamuxStream open(ForwardRequest request) throws IOException {
        YamuxStream s;
        try {
            s = session.openStream();
        } catch (YamuxException e) {
            throw new IOException("cannot open a stream to the guest's forwarder: " + e.getMessage(), e);
        }
        try {
            request.write(s.getOutputStream());
            ForwardReply reply = ForwardReply.read(s, REPLY_TIMEOUT);
            if (!reply.isOk()) {
                throw new IOException(reply.error());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.reset();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /** A new stream, its first line the caller's to write (another protocol on the port: files). */
    public YamuxStream openStream() throws IOException {
        try {
            return session.openStream();
        } catch (YamuxException e) {
            throw new IOException("cannot open a stream to the guest's data channel: " + e.getMessage(), e);
        }
    }

    private void acceptLoop(Consumer<YamuxStream> inbound, String name) {
        while (true) {
            YamuxStream s;
            try {
                s = session.accept();
            } catch (InterruptedException | RuntimeException ended) {
                return;
            }
            if (!inboundSlots.tryAcquire()) {
                s.reset();
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    inbound.accept(s);
                } finally {
                    inboundSlots.release();
                }
            }, "kata-egress-" + name + "-" + s.id());
            t.setDaemon(true);
            t.start();
        }
    }

    @Override
    public void close() {
        session.close();
        try {
            transport.close();
        } catch (IOException ignored) {
            // the session is closed either way
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
