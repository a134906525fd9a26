package dev.jkata.agent.protocol.yamux;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.ByteChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A yamux session over one byte transport, in the client role (opens odd stream ids; the host) or the
 * server role (even ids; the guest agent). One reader thread dispatches incoming frames, one writer
 * thread puts outgoing frames on the transport; both are daemons named after {@link YamuxConfig#name()}.
 *
 * <p>The transport is an {@link InputStream} and an {@link OutputStream} that can be used from two
 * threads at once, plus the {@link Closeable} that ends both. For a UNIX-domain {@code SocketChannel} use
 * {@link #client(ByteChannel, YamuxConfig)}. For a character device such as
 * {@code /dev/virtio-ports/agent.channel.0} open a {@code FileInputStream} and a {@code FileOutputStream}
 * on it: a single {@code FileChannel} serialises its reads and writes, so a blocked read would stall writes.
 *
 * <p>Closing, a go-away with an error, end of file on the transport and a protocol violation all end the
 * session the same way: every stream, acceptor and ping is woken and fails with the reason, which
 * {@link #closeReason()} also tells.
 */
public final class YamuxSession implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(YamuxSession.class);
    private static final Duration CLOSE_DRAIN = Duration.ofSeconds(1);
    private static final int IO_BUFFER = 64 * 1024;

    private final boolean client;
    private final YamuxConfig config;
    private final InputStream in;
    private final Closeable transport;
    private final FrameWriter writer;
    private final Thread reader;
    private final Thread keepAlive;

    private final ConcurrentHashMap<Integer, YamuxStream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger inboundOpen = new AtomicInteger();
    private final AtomicLong nextStreamId;
    private final AtomicInteger nextPingId = new AtomicInteger();
    private final ConcurrentHashMap<Integer, CompletableFuture<Void>> pings = new ConcurrentHashMap<>();
    private final ArrayDeque<YamuxStream> backlog = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile RuntimeException closeReason;
    private volatile boolean localGoAway;
    private volatile boolean remoteGoAway;

    private YamuxSession(boolean client, InputStream in, OutputStream out, Closeable transport, YamuxConfig config) {
        this.client = client;
        this.config = Objects.requireNonNull(config, "config");
        this.in = new BufferedInputStream(Objects.requireNonNull(in, "in"), IO_BUFFER);
        this.transport = Objects.requireNonNull(transport, "transport");
        this.nextStreamId = new AtomicLong(client ? 1 : 2);
        this.writer = new FrameWriter(new BufferedOutputStream(Objects.requireNonNull(out, "out"), IO_BUFFER),
                config.name(), failure -> fail(failure, null));
        this.reader = new Thread(this::readLoop, "yamux-reader-" + config.name());
        this.reader.setDaemon(true);
        if (config.keepAlive()) {
            this.keepAlive = new Thread(this::keepAliveLoop, "yamux-keepalive-" + config.name());
            this.keepAlive.setDaemon(true);
        } else {
            this.keepAlive = null;
        }
    }

    /** A client session (the host's role) over a stream pair; {@code transport} closes both. */
    public static YamuxSession client(InputStream in, OutputStream out, Closeable transport, YamuxConfig config) {
        return new YamuxSession(true, in, out, transport, config).start();
    }

    /** A server session (the guest agent's role) over a stream pair; {@code transport} closes both. */
    public static YamuxSession server(InputStream in, OutputStream out, Closeable transport, YamuxConfig config) {
        return new YamuxSession(false, in, out, transport, config).start();
    }

    /** A client session over a blocking channel that reads and writes concurrently (a {@code SocketChannel}). */
    public static YamuxSession client(ByteChannel channel, YamuxConfig config) {
        return client(ChannelStreams.input(channel), ChannelStreams.output(channel), channel, config);
    }

    /** A server session over a blocking channel that reads and writes concurrently (a {@code SocketChannel}). */
    public static YamuxSession server(ByteChannel channel, YamuxConfig config) {
        return server(ChannelStreams.input(channel), ChannelStreams.output(channel), channel, config);
    }

    private YamuxSession start() {
        writer.start();
        reader.start();
        if (keepAlive != null) {
            keepAlive.start();
        }
        return this;
    }

    public YamuxConfig config() { return config; }

    /** Whether this is the client role (odd stream ids). */
    public boolean isClient() { return client; }

    /**
     * Opens a stream. Does not wait for the peer's acknowledgement: data may follow at once, and a peer
     * that refuses the stream resets it, which the stream's next read or write reports.
     *
     * @throws YamuxSessionClosedException when the session is closed or the peer sent go-away
     */
    public YamuxStream openStream() {
        ensureOpen();
        if (remoteGoAway) {
            throw new YamuxSessionClosedException("the peer sent go-away: it accepts no new streams");
        }
        long id = nextStreamId.getAndAdd(2);
        if (id > 0xFFFF_FFFFL) {
            throw new YamuxExhaustedException("this yamux session has used all its stream ids; open a new session");
        }
        int window = config.maxWindowBytes();
        YamuxStream s = new YamuxStream(this, (int) id, false, window, config.initialWindowBytes(), window);
        streams.put((int) id, s);
        sendControl(FrameHeader.windowUpdate((int) id, FrameHeader.SYN, window - config.initialWindowBytes()), false);
        if (closed.get()) {
            streams.remove((int) id);
            s.onSessionClosed(closeReason);
            throw closedException();
        }
        return s;
    }

    /** Waits for the next stream the peer opens, and accepts it. */
    public YamuxStream accept() throws InterruptedException {
        YamuxStream s;
        synchronized (backlog) {
            while (backlog.isEmpty()) {
                if (closed.get()) {
                    throw closedException();
                }
                backlog.wait();
            }
            s = backlog.pollFirst();
        }
        s.acknowledge();
        return s;
    }

    /** Waits at most {@code timeout} for the next stream the peer opens; empty when none came. */
    public Optional<YamuxStream> accept(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        YamuxStream s;
        synchronized (backlog) {
            while (backlog.isEmpty()) {
                if (closed.get()) {
                    throw closedException();
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return Optional.empty();
                }
                TimeUnit.NANOSECONDS.timedWait(backlog, remaining);
            }
            s = backlog.pollFirst();
        }
        s.acknowledge();
        return Optional.of(s);
    }

    /**
     * Sends a ping and waits for the echo.
     *
     * @return the round-trip time
     * @throws YamuxTimeoutException when no answer comes within {@code timeout}
     */
    public Duration ping(Duration timeout) throws InterruptedException {
        ensureOpen();
        int id = nextPingId.incrementAndGet();
        CompletableFuture<Void> answer = new CompletableFuture<>();
        pings.put(id, answer);
        long start = System.nanoTime();
        try {
            sendControl(FrameHeader.ping(FrameHeader.SYN, id), false);
            if (closed.get()) {
                throw closedException();
            }
            answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return Duration.ofNanos(System.nanoTime() - start);
        } catch (TimeoutException e) {
            throw new YamuxTimeoutException("yamux ping: the peer did not answer", timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : closedException();
        } finally {
            pings.remove(id);
        }
    }

    /**
     * Tells the peer this side opens no more streams and accepts none: streams it opens from now on are
     * refused (RST). Streams already open carry on. The session stays open until {@link #close()}.
     */
    public void goAway() {
        ensureOpen();
        localGoAway = true;
        sendControl(FrameHeader.goAway(GoAwayCode.NORMAL), false);
    }

    /** Sends a go-away, ends every stream and closes the transport. Idempotent. */
    @Override
    public void close() {
        fail(new YamuxSessionClosedException("the yamux session " + config.name() + " was closed here"), GoAwayCode.NORMAL);
    }

    public boolean isClosed() { return closed.get(); }

    /** Why the session ended; empty while it is open. */
    public Optional<RuntimeException> closeReason() {
        return closed.get() ? Optional.ofNullable(closeReason) : Optional.empty();
    }

    /** Waits until the session has ended, by any cause; false when {@code timeout} passed first. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Streams that are open in at least one direction. */
    public int streamCount() { return streams.size(); }

    // ---- used by YamuxStream --------------------------------------------------------------------

    void sendControl(FrameHeader h, boolean peerDriven) {
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} -> {}", config.name(), h);
        }
        writer.sendControl(h, peerDriven);
    }

    void sendData(FrameHeader h, byte[] data, int off, int len) throws InterruptedIOException {
        if (LOG.isTraceEnabled()) {
            LOG.trace("{} -> {}", config.name(), h);
        }
        writer.sendData(h, data, off, len, config.connectionWriteTimeout());
    }

    void removeStream(YamuxStream s) {
        if (streams.remove(s.rawId(), s) && s.inbound()) {
            inboundOpen.decrementAndGet();
        }
    }

    // ---- the reader thread ----------------------------------------------------------------------

    private void readLoop() {
        byte[] header = new byte[FrameHeader.SIZE];
        try {
            while (!closed.get()) {
                if (!readHeader(header)) {
                    fail(new YamuxSessionClosedException("the peer closed the yamux transport (end of file)"), null);
                    return;
                }
                FrameHeader h = FrameHeader.decode(header, 0);
                if (LOG.isTraceEnabled()) {
                    LOG.trace("{} <- {}", config.name(), h);
                }
                switch (h.type()) {
                    case DATA, WINDOW_UPDATE -> onStreamFrame(h);
                    case PING -> onPing(h);
                    case GO_AWAY -> onGoAway(h);
                    default -> throw new IllegalStateException("unhandled frame type " + h.type());
                }
            }
        } catch (YamuxProtocolException e) {
            if (!closed.get()) {
                LOG.warn("yamux session {}: the peer broke the protocol, closing: {}", config.name(), e.getMessage());
            }
            fail(e, GoAwayCode.PROTOCOL_ERROR);
        } catch (EOFException e) {
            fail(new YamuxSessionClosedException("the peer closed the yamux transport in the middle of a frame", e), null);
        } catch (IOException e) {
            fail(new YamuxSessionClosedException("reading the yamux transport failed: " + e.getMessage(), e), null);
        } catch (RuntimeException e) {
            LOG.error("yamux session {}: internal error in the reader", config.name(), e);
            fail(new YamuxSessionClosedException("internal error in the yamux reader: " + e, e), GoAwayCode.INTERNAL_ERROR);
        } catch (Error e) {
            // out of memory, a stack overflow: the session cannot go on, and its waiters must learn so now
            fail(new YamuxSessionClosedException("the yamux reader died: " + e, e), GoAwayCode.INTERNAL_ERROR);
            throw e;
        }
    }

    private void onStreamFrame(FrameHeader h) throws IOException {
        int id = h.streamId();
        if (id == 0) {
            throw new YamuxProtocolException(h.type() + " frame on stream 0, which is reserved for the session");
        }
        long length = h.lengthUnsigned();
        boolean data = h.type() == FrameType.DATA;
        if (data && length > config.maxFrameBytes()) {
            throw new YamuxProtocolException("data frame of " + length + " bytes on stream " + h.streamIdUnsigned()
                    + " exceeds the limit of " + config.maxFrameBytes());
        }
        YamuxStream s = streams.get(id);
        if (h.has(FrameHeader.SYN)) {
            if (s != null) {
                throw new YamuxProtocolException("the peer opened stream " + h.streamIdUnsigned() + " twice");
            }
            if (((id & 1) == 1) == client) {
                throw new YamuxProtocolException("the peer opened stream " + h.streamIdUnsigned()
                        + ", an id of the " + (client ? "client" : "server") + "'s (this side's) parity");
            }
            s = h.has(FrameHeader.RST) ? null : admit(id);
            if (s == null) {
                if (data) {
                    skip(length);
                }
                return;
            }
        }
        if (s == null) {
            if (data) {
                skip(length);
                if (!h.has(FrameHeader.RST)) {
                    sendControl(FrameHeader.windowUpdate(id, FrameHeader.RST, 0), true);
                }
            }
            return;
        }
        if (!data) {
            if (!s.onWindowUpdate(length)) {
                throw new YamuxProtocolException("window update of " + length + " on stream " + h.streamIdUnsigned()
                        + " grows the send window beyond 2^32 - 1");
            }
            s.onFlags(h);
            return;
        }
        int window = s.receiveWindow();
        if (length > window) {
            throw new YamuxProtocolException("window overrun on stream " + h.streamIdUnsigned() + ": " + length
                    + " bytes sent, " + window + " allowed");
        }
        byte[] payload = new byte[(int) length];
        readFully(payload);
        if (!s.onData(payload)) {
            // closed here, or data after the peer's FIN: the stream is over
            s.reset();
            return;
        }
        s.onFlags(h);
    }

    /** Registers a stream the peer opens, or refuses it with RST; null when refused. */
    private YamuxStream admit(int id) {
        String refusal = null;
        YamuxStream s = null;
        synchronized (backlog) {
            if (localGoAway || closed.get()) {
                refusal = "this side sent go-away";
            } else if (inboundOpen.get() >= config.maxInboundStreams()) {
                refusal = "the peer has " + config.maxInboundStreams() + " streams open already";
            } else if (backlog.size() >= config.acceptBacklog()) {
                refusal = "the accept backlog of " + config.acceptBacklog() + " is full";
            } else {
                int initial = config.initialWindowBytes();
                s = new YamuxStream(this, id, true, initial, initial, config.maxWindowBytes());
                streams.put(id, s);
                inboundOpen.incrementAndGet();
                backlog.addLast(s);
                backlog.notifyAll();
            }
        }
        if (s == null) {
            LOG.debug("yamux session {}: refusing stream {}: {}", config.name(), Integer.toUnsignedLong(id), refusal);
            sendControl(FrameHeader.windowUpdate(id, FrameHeader.RST, 0), true);
        }
        return s;
    }

    private void onPing(FrameHeader h) {
        if (h.streamId() != 0) {
            throw new YamuxProtocolException("ping on stream " + h.streamIdUnsigned() + "; pings belong to stream 0");
        }
        if (h.has(FrameHeader.SYN)) {
            sendControl(FrameHeader.ping(FrameHeader.ACK, h.length()), true);
        } else if (h.has(FrameHeader.ACK)) {
            CompletableFuture<Void> answer = pings.remove(h.length());
            if (answer != null) {
                answer.complete(null);
            }
        }
    }

    private void onGoAway(FrameHeader h) {
        if (h.streamId() != 0) {
            throw new YamuxProtocolException("go-away on stream " + h.streamIdUnsigned() + "; it belongs to stream 0");
        }
        GoAwayCode code = GoAwayCode.ofCode(h.lengthUnsigned());
        if (code == GoAwayCode.NORMAL) {
            LOG.debug("yamux session {}: the peer sent go-away; no new streams", config.name());
            remoteGoAway = true;
            return;
        }
        fail(new YamuxSessionClosedException("the peer ended the yamux session with go-away "
                + (code == null ? "code " + h.lengthUnsigned() : code.name())), null);
    }

    private boolean readHeader(byte[] header) throws IOException {
        int n = 0;
        while (n < header.length) {
            int r = in.read(header, n, header.length - n);
            if (r < 0) {
                if (n == 0) {
                    return false;
                }
                throw new EOFException("end of file after " + n + " bytes of a frame header");
            }
            n += r;
        }
        return true;
    }

    private void readFully(byte[] b) throws IOException {
        int n = 0;
        while (n < b.length) {
            int r = in.read(b, n, b.length - n);
            if (r < 0) {
                throw new EOFException("end of file after " + n + " of " + b.length + " payload bytes");
            }
            n += r;
        }
    }

    private void skip(long length) throws IOException {
        byte[] scratch = new byte[(int) Math.min(length, 8192)];
        long left = length;
        while (left > 0) {
            int r = in.read(scratch, 0, (int) Math.min(left, scratch.length));
            if (r < 0) {
                throw new EOFException("end of file with " + left + " payload bytes to go");
            }
            left -= r;
        }
    }

    // ---- keep-alive -----------------------------------------------------------------------------

    private void keepAliveLoop() {
        try {
            while (!terminated.await(config.keepAliveInterval().toNanos(), TimeUnit.NANOSECONDS)) {
                try {
                    ping(config.connectionWriteTimeout());
                } catch (YamuxTimeoutException e) {
                    fail(new YamuxSessionClosedException("keep-alive: the peer did not answer a ping within "
                            + config.connectionWriteTimeout(), e), null);
                    return;
                } catch (YamuxException e) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- ending ---------------------------------------------------------------------------------

    private void fail(RuntimeException reason, GoAwayCode goAway) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeReason = reason;
        LOG.debug("yamux session {} ends: {}", config.name(), reason.getMessage());
        if (goAway != null) {
            sendControl(FrameHeader.goAway(goAway), false);
        }
        Duration drain = config.connectionWriteTimeout().compareTo(CLOSE_DRAIN) < 0 ? config.connectionWriteTimeout() : CLOSE_DRAIN;
        writer.shutdown(drain, reason);
        try {
            transport.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("yamux session {}: closing the transport failed", config.name(), e);
        }
        List<YamuxStream> open = new ArrayList<>(streams.values());
        streams.clear();
        inboundOpen.set(0);
        synchronized (backlog) {
            open.addAll(backlog);
            backlog.clear();
            backlog.notifyAll();
        }
        for (YamuxStream s : open) {
            s.onSessionClosed(reason);
        }
        for (CompletableFuture<Void> answer : pings.values()) {
            answer.completeExceptionally(reason);
        }
        terminated.countDown();
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw closedException();
        }
    }

    private YamuxSessionClosedException closedException() {
        RuntimeException reason = closeReason;
        if (reason instanceof YamuxSessionClosedException c && reason.getCause() == null) {
            return new YamuxSessionClosedException(c.getMessage());
        }
        return new YamuxSessionClosedException("the yamux session " + config.name() + " is closed"
                + (reason == null ? "" : ": " + reason.getMessage()), reason);
    }

    @Override
    public String toString() {
        return "YamuxSession[" + config.name() + (client ? " client" : " server") + (closed.get() ? " closed" : "")
                + " streams=" + streams.size() + "]";
    }
}
