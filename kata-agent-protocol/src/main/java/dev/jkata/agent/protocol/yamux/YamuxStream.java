package dev.jkata.agent.protocol.yamux;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One yamux stream: an ordered, flow-controlled byte stream in each direction. Reads block until data,
 * end of stream (the peer's FIN), a reset or the session's end; {@link #readTimeout(Duration)} bounds
 * them. Writes block while the peer grants no window, at most the session's stream write timeout.
 *
 * <p>{@link #closeWrite()} half-closes (FIN); {@link #close()} closes both directions; {@link #reset()}
 * aborts (RST). Errors are unchecked {@link YamuxException}s and {@link YamuxTimeoutException}s, even
 * through the java.io views; a stream closed here reads as {@link IOException}.
 */
public final class YamuxStream implements Closeable {
    private static final int MAX_OUTBOUND_FRAME = 64 * 1024;

    private final YamuxSession session;
    private final int id;
    private final boolean inbound;
    private final int maxWindow;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    // guarded by this
    private final ArrayDeque<byte[]> buffer = new ArrayDeque<>();
    private int headOffset;
    private int buffered;
    private int recvWindow;
    private int consumed;
    private long sendWindow;
    private boolean acked;
    private boolean remoteFin;
    private boolean localFin;
    private boolean readClosed;
    private boolean reset;
    private boolean resetByPeer;
    private RuntimeException sessionFailure;

    private volatile Duration readTimeout;

    YamuxStream(YamuxSession session, int id, boolean inbound, int recvWindow, int sendWindow, int maxWindow) {
        this.session = session;
        this.id = id;
        this.inbound = inbound;
        this.recvWindow = recvWindow;
        this.sendWindow = sendWindow;
        this.maxWindow = maxWindow;
    }

    /** The stream id: odd when the client opened it, even when the server did. */
    public long id() { return Integer.toUnsignedLong(id); }

    int rawId() { return id; }

    boolean inbound() { return inbound; }

    /** Whether the peer opened this stream. */
    public boolean openedByPeer() { return inbound; }

    /** Reads from the stream; {@code read} returns -1 once the peer half-closed and all data is read. */
    public InputStream getInputStream() { return in; }

    /** Writes to the stream; {@code close()} half-closes it (FIN). */
    public OutputStream getOutputStream() { return out; }

    /** Bounds each read of {@link #getInputStream()}; {@code null} or zero waits without limit (the default). */
    public YamuxStream readTimeout(Duration timeout) {
        this.readTimeout = timeout == null || timeout.isZero() ? null : timeout;
        return this;
    }

    /**
     * Reads up to {@code len} bytes, waiting at most {@code timeout} ({@code null}: no limit) for the first.
     *
     * @return bytes read, or -1 at the end of the stream
     * @throws YamuxTimeoutException when no byte arrives in time
     */
    public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        int n;
        int credit = 0;
        synchronized (this) {
            while (buffered == 0) {
                if (readClosed) {
                    throw new IOException("yamux stream " + id() + " is closed");
                }
                if (reset) {
                    throw resetException();
                }
                if (remoteFin) {
                    return -1;
                }
                if (sessionFailure != null) {
                    throw sessionFailure;
                }
                try {
                    if (timeout == null) {
                        wait();
                    } else {
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            throw new YamuxTimeoutException("reading yamux stream " + id(), timeout);
                        }
                        TimeUnit.NANOSECONDS.timedWait(this, remaining);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading yamux stream " + id());
                }
            }
            n = 0;
            while (n < len && buffered > 0) {
                byte[] head = buffer.peekFirst();
                int chunk = Math.min(len - n, head.length - headOffset);
                System.arraycopy(head, headOffset, b, off + n, chunk);
                n += chunk;
                headOffset += chunk;
                buffered -= chunk;
                if (headOffset == head.length) {
                    buffer.pollFirst();
                    headOffset = 0;
                }
            }
            consumed += n;
            if (!remoteFin && !reset && sessionFailure == null && consumed >= maxWindow / 2) {
                credit = consumed;
                recvWindow += consumed;
                consumed = 0;
            }
        }
        if (credit > 0) {
            session.sendControl(FrameHeader.windowUpdate(id, 0, credit), false);
        }
        return n;
    }

    /** Bytes received and not yet read. */
    public synchronized int available() { return buffered; }

    /**
     * Writes all of {@code len} bytes, in frames no larger than the peer's window.
     *
     * @throws YamuxTimeoutException when the peer grants no window within the stream write timeout
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return;
        }
        Duration timeout = session.config().streamWriteTimeout();
        lockForWrite(timeout);
        try {
            int maxFrame = Math.min(MAX_OUTBOUND_FRAME, session.config().maxFrameBytes());
            while (len > 0) {
                int n;
                synchronized (this) {
                    long deadline = System.nanoTime() + timeout.toNanos();
                    while (true) {
                        checkWritable();
                        if (sendWindow > 0) {
                            break;
                        }
                        long remaining = deadline - System.nanoTime();
                        if (remaining <= 0) {
                            throw new YamuxTimeoutException("writing yamux stream " + id()
                                    + ": the peer granted no send window", timeout);
                        }
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, remaining);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted while writing yamux stream " + id());
                        }
                    }
                    n = (int) Math.min(Math.min(len, sendWindow), maxFrame);
                    sendWindow -= n;
                }
                session.sendData(FrameHeader.data(id, 0, n), b, off, n);
                off += n;
                len -= n;
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** Half-closes: sends FIN, after which this side writes no more. Reading goes on. Idempotent. */
    public void closeWrite() throws IOException {
        lockForWrite(session.config().streamWriteTimeout());
        try {
            synchronized (this) {
                if (localFin || reset || sessionFailure != null) {
                    return;
                }
                localFin = true;
                notifyAll();
            }
            session.sendControl(FrameHeader.windowUpdate(id, FrameHeader.FIN, 0), false);
            removeIfDone();
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Closes both directions: sends FIN if not yet sent and discards unread data. Data the peer sends
     * afterwards resets the stream. Idempotent.
     */
    @Override
    public void close() throws IOException {
        try {
            closeWrite();
        } finally {
            synchronized (this) {
                readClosed = true;
                buffer.clear();
                buffered = 0;
                headOffset = 0;
                notifyAll();
            }
            removeIfDone();
        }
    }

    /** Aborts the stream in both directions (RST). Idempotent. */
    public void reset() {
        synchronized (this) {
            if (reset || sessionFailure != null) {
                return;
            }
            reset = true;
            discardBuffer();
            notifyAll();
        }
        session.removeStream(this);
        session.sendControl(FrameHeader.windowUpdate(id, FrameHeader.RST, 0), false);
    }

    /** Whether the peer sent FIN (all its data is then in, or was read). */
    public synchronized boolean isRemoteClosed() { return remoteFin; }

    /** Whether the stream was reset, by either side. */
    public synchronized boolean isReset() { return reset; }

    // ---- called by the session's reader thread -------------------------------------------------

    /** The window the peer may still fill. */
    synchronized int receiveWindow() { return recvWindow; }

    /**
     * Takes a data frame the session read, already checked against {@link #receiveWindow()}.
     *
     * @return false when the stream can take no data (closed here, or the peer already sent FIN)
     */
    synchronized boolean onData(byte[] data) {
        if (reset) {
            return true;
        }
        if (readClosed || remoteFin) {
            return false;
        }
        recvWindow -= data.length;
        if (data.length > 0) {
            buffer.addLast(data);
            buffered += data.length;
            notifyAll();
        }
        return true;
    }

    /**
     * Adds a window update to the send window.
     *
     * @return false when the window would exceed what yamux can express (2^32 - 1 bytes)
     */
    synchronized boolean onWindowUpdate(long delta) {
        long next = sendWindow + delta;
        if (next > 0xFFFF_FFFFL) {
            return false;
        }
        sendWindow = next;
        if (delta > 0) {
            notifyAll();
        }
        return true;
    }

    void onFlags(FrameHeader h) {
        boolean remove = false;
        synchronized (this) {
            if (h.has(FrameHeader.ACK)) {
                acked = true;
            }
            if (h.has(FrameHeader.FIN) && !remoteFin) {
                remoteFin = true;
                remove = localFin;
                notifyAll();
            }
            if (h.has(FrameHeader.RST) && !reset) {
                reset = true;
                resetByPeer = true;
                discardBuffer();
                remove = true;
                notifyAll();
            }
        }
        if (remove) {
            session.removeStream(this);
        }
    }

    void onSessionClosed(RuntimeException cause) {
        synchronized (this) {
            if (sessionFailure == null) {
                sessionFailure = cause;
            }
            notifyAll();
        }
    }

    /** Accepts an inbound stream: sends ACK, with the extra window this side grants. */
    void acknowledge() {
        int delta = maxWindow - session.config().initialWindowBytes();
        synchronized (this) {
            recvWindow += delta;
        }
        session.sendControl(FrameHeader.windowUpdate(id, FrameHeader.ACK, delta), false);
    }

    synchronized boolean isAcknowledged() { return acked; }

    // ---- internals -----------------------------------------------------------------------------

    private void lockForWrite(Duration timeout) throws InterruptedIOException {
        try {
            if (!writeLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new YamuxTimeoutException("yamux stream " + id() + ": another write holds the stream", timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write yamux stream " + id());
        }
    }

    private void checkWritable() throws IOException {
        if (reset) {
            throw resetException();
        }
        if (sessionFailure != null) {
            throw sessionFailure;
        }
        if (localFin) {
            throw new IOException("yamux stream " + id() + " is closed for writing");
        }
    }

    private YamuxStreamResetException resetException() {
        return new YamuxStreamResetException("yamux stream " + id() + " was reset "
                + (resetByPeer ? "by the peer" + (acked || inbound ? "" : " (it may have refused the stream)") : "here"));
    }

    private void discardBuffer() {
        buffer.clear();
        buffered = 0;
        headOffset = 0;
    }

    private void removeIfDone() {
        boolean done;
        synchronized (this) {
            done = localFin && remoteFin;
        }
        if (done) {
            session.removeStream(this);
        }
    }

    @Override
    public String toString() {
        return "YamuxStream[" + id() + (inbound ? " inbound" : " outbound") + "]";
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return YamuxStream.this.read(b, off, len, readTimeout);
        }

        @Override
        public int available() { return YamuxStream.this.available(); }

        @Override
        public void close() throws IOException { YamuxStream.this.close(); }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            YamuxStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            YamuxStream.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException { closeWrite(); }
    }
}
