package dev.jkata.agent.network;

import dev.jkata.agent.files.FileService;
import dev.jkata.agent.protocol.files.FileRequest;

import dev.jkata.agent.protocol.forward.ForwardReply;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.forward.Splice;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.agent.server.VirtioPort;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * The agent's end of the forwarding port ({@value ForwardRequest#PORT_NAME}): a yamux server session per host
 * connection. A {@code CONNECT} stream from the host (a published port) is connected to that address inside the
 * guest; a {@code LISTEN} stream makes the agent listen there, and each connection it takes is opened to the host as
 * a {@code CONNECT} naming the address the guest dialled, which the host checks against its policy. Listeners live
 * as long as the session. A stream headed {@code FILES} is a file operation ({@link FileService}).
 */
public final class ForwardServer implements Closeable {
    private static final Logger LOG = Logger.getLogger(ForwardServer.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** At most this many connections at once, both ways together: each holds two threads. */
    static final int MAX_CONNECTIONS = 512;
    private static final int MAX_LISTENERS = 256;

    private final AtomicInteger connections = new AtomicInteger();
    private final List<ServerSocket> listeners = new CopyOnWriteArrayList<>();
    private final java.util.Set<Splice> splices = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile YamuxSession current;
    private final FileService files;

    /** A server whose file streams go to {@code files} (null: refused). */
    public ForwardServer(FileService files) {
        this.files = files;
    }

    /** A server for forwarding only. */
    public ForwardServer() {
        this(null);
    }
    private volatile boolean closed;

    /** Serves one host session after another on the port, until {@link #close()}. */
    public void servePort(VirtioPort port) {
        while (!closed) {
            serve(YamuxSession.server(port.input(), port.output(), () -> { }, YamuxConfig.builder().name("forward")
                    .streamWriteTimeout(Duration.ofSeconds(60)).build()));
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Serves {@code session} until it ends; then closes its listeners and connections. */
    public void serve(YamuxSession session) {
        current = session;
        try {
            while (!closed) {
                YamuxStream stream;
                try {
                    stream = session.accept();
                } catch (RuntimeException ended) {
                    return;
                }
                Thread t = new Thread(() -> handle(session, stream), "forward-" + stream.id());
                t.setDaemon(true);
                t.start();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.close();
            endSession();
        }
    }

    private void handle(YamuxSession session, YamuxStream stream) {
        ForwardRequest req;
        try {
            String head = ForwardRequest.readHead(stream, REQUEST_TIMEOUT);
            if (head.equals(FileRequest.HEAD)) {
                if (files == null) {
                    stream.reset();
                } else {
                    files.serve(stream);
                }
                return;
            }
            req = ForwardRequest.parse(head);
        } catch (IOException e) {
            LOG.fine("bad forward request: " + e.getMessage());
            stream.reset();
            return;
        }
        switch (req.verb()) {
            case CONNECT -> connect(req, stream);
            case LISTEN -> listen(session, req, stream);
        }
    }

    private void connect(ForwardRequest req, YamuxStream stream) {
        if (connections.incrementAndGet() > MAX_CONNECTIONS) {
            connections.decrementAndGet();
            ForwardReply.refuse(stream, "too many connections");
            return;
        }
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(req.address(), req.port()), CONNECT_TIMEOUT_MS);
            ForwardReply.ok().write(stream.getOutputStream());
        } catch (IOException | RuntimeException e) {
            closeQuietly(s);
            connections.decrementAndGet();
            ForwardReply.refuse(stream, "cannot connect to " + req.address() + ":" + req.port() + " in the guest: " + e.getMessage());
            return;
        }
        splice(s, stream, "fwd-in-" + req.port());
    }

    private void listen(YamuxSession session, ForwardRequest req, YamuxStream stream) {
        ServerSocket ss = null;
        try {
            if (listeners.size() >= MAX_LISTENERS) {
                throw new IOException("at most " + MAX_LISTENERS + " listeners");
            }
            ss = new ServerSocket();
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(req.address(), req.port()), 128);
            listeners.add(ss);
            ForwardReply.ok().write(stream.getOutputStream());
            stream.close();
        } catch (IOException | RuntimeException e) {
            closeQuietly(ss);
            ForwardReply.refuse(stream, "cannot listen on " + req.address() + ":" + req.port() + ": " + e.getMessage());
            return;
        }
        ServerSocket listener = ss;
        Thread t = new Thread(() -> acceptLoop(session, listener), "forward-listen-" + req.port());
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop(YamuxSession session, ServerSocket listener) {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                return;
            }
            if (connections.incrementAndGet() > MAX_CONNECTIONS) {
                connections.decrementAndGet();
                closeQuietly(s);
                continue;
            }
            Thread t = new Thread(() -> toHost(session, s), "forward-out-" + listener.getLocalPort());
            t.setDaemon(true);
            t.start();
        }
    }

    /** Hands a connection the guest made to the host, which decides. */
    private void toHost(YamuxSession session, Socket s) {
        YamuxStream stream = null;
        try {
            InetSocketAddress dialled = (InetSocketAddress) s.getLocalSocketAddress();
            stream = session.openStream();
            ForwardRequest.connect(dialled.getAddress().getHostAddress(), dialled.getPort()).write(stream.getOutputStream());
            ForwardReply reply = ForwardReply.read(stream, REPLY_TIMEOUT);
            if (!reply.isOk()) {
                LOG.fine("the host refused " + dialled + ": " + reply.error());
                throw new IOException(reply.error());
            }
            splice(s, stream, "fwd-out-" + dialled.getPort());
        } catch (IOException | RuntimeException e) {
            if (stream != null) {
                stream.reset();
            }
            closeQuietly(s);
            connections.decrementAndGet();
        }
    }

    private void splice(Socket s, YamuxStream stream, String name) {
        Splice splice = Splice.of(s, stream, name, done -> {
            splices.remove(done);
            connections.decrementAndGet();
        });
        splices.add(splice);
        splice.start();
    }

    /** Connections carried now, both ways together. */
    public int connections() { return connections.get(); }


    private void endSession() {
        current = null;
        for (ServerSocket ss : listeners) {
            closeQuietly(ss);
        }
        listeners.clear();
        for (Splice s : splices) {
            s.abort();
        }
        splices.clear();
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failed
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        YamuxSession s = current;
        if (s != null) {
            s.close();
        }
        endSession();
    }
}
