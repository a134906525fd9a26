package dev.jkata.agent.server;

import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * The agent's side of Kata's proxy protocol: a yamux server session on the transport, and one gRPC
 * connection on each stream the host opens. The session has no keep-alive (the host may ping).
 *
 * <p>On the virtio port, {@link #servePort} serves one session after another: when the host goes away
 * (end of file) the next session waits for it to come back, where upstream's agent could not.
 */
public final class YamuxAgentServer implements Closeable {
    private static final Logger LOG = Logger.getLogger(YamuxAgentServer.class.getName());

    private static final Duration SESSION_BACKOFF = Duration.ofMillis(100);

    private final GrpcConnectionServer grpc;
    private final YamuxConfig config;
    private volatile boolean closed;
    private volatile YamuxSession current;

    public YamuxAgentServer(GrpcConnectionServer grpc, YamuxConfig config) {
        this.grpc = grpc;
        this.config = config;
    }

    /** The agent's yamux settings: the spec's 256 KiB windows, no keep-alive, writes may wait a minute for the host. */
    public static YamuxConfig defaultConfig() {
        return YamuxConfig.builder().name("agent").streamWriteTimeout(Duration.ofSeconds(60)).build();
    }

    /** Serves sessions on the port, one after another, until {@link #close()}. */
    public void servePort(VirtioPort port) {
        while (!closed) {
            long started = System.nanoTime();
            serveSession(port.input(), port.output(), () -> { /* the port outlives the session */ });
            if (closed) {
                return;
            }
            if (System.nanoTime() - started > SESSION_BACKOFF.toNanos()) {
                LOG.info("yamux session on " + port.path() + " ended; waiting for the host to connect again");
            }
            try {
                // a port that fails at once (an I/O error rather than end of file) must not make this loop spin
                Thread.sleep(SESSION_BACKOFF.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Serves one yamux server session over the transport, until it ends. */
    public void serveSession(InputStream in, OutputStream out, Closeable transport) {
        serve(YamuxSession.server(in, out, transport, config));
    }

    /** Serves {@code session} (a server session), one gRPC connection per stream the peer opens, until it ends; then closes it. */
    public void serve(YamuxSession session) {
        current = session;
        try {
            while (!closed) {
                YamuxStream stream;
                try {
                    stream = session.accept();
                } catch (RuntimeException ended) {
                    LOG.fine("yamux session ended: " + ended.getMessage());
                    return;
                }
                grpc.serve(stream.getInputStream(), stream.getOutputStream(), stream);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            session.close();
            current = null;
        }
    }

    /** Ends the current session and serves no more. */
    @Override
    public void close() {
        closed = true;
        YamuxSession s = current;
        if (s != null) {
            s.close();
        }
    }
}
