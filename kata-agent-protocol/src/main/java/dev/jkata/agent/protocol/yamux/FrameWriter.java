package dev.jkata.agent.protocol.yamux;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The one thread that writes a session's frames to the transport, in the order they were queued.
 * Data frames make their caller wait until they are written or the connection write timeout passes;
 * control frames are queued without waiting. Control frames the peer provokes (ping replies, resets)
 * are bounded, so a peer that sends but never reads cannot grow the queue.
 */
final class FrameWriter {
    static final int MAX_PEER_DRIVEN_PENDING = 1024;

    private final OutputStream out;
    private final Consumer<RuntimeException> onFailure;
    private final Thread thread;

    private final Object lock = new Object();
    private final ArrayDeque<Frame> queue = new ArrayDeque<>();
    private int peerDrivenPending;
    private boolean draining;
    private boolean stopped;
    private RuntimeException stopCause;

    FrameWriter(OutputStream out, String name, Consumer<RuntimeException> onFailure) {
        this.out = out;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, "yamux-writer-" + name);
        this.thread.setDaemon(true);
    }

    void start() { thread.start(); }

    /** Queues a control frame (no payload) without waiting. Dropped once the writer is shutting down. */
    void sendControl(FrameHeader header, boolean peerDriven) {
        Frame f = new Frame(header.encode(), null, 0, 0, peerDriven);
        boolean overflow = false;
        synchronized (lock) {
            if (stopped || draining) {
                return;
            }
            if (peerDriven && peerDrivenPending >= MAX_PEER_DRIVEN_PENDING) {
                overflow = true;
            } else {
                if (peerDriven) {
                    peerDrivenPending++;
                }
                queue.add(f);
                lock.notifyAll();
            }
        }
        if (overflow) {
            onFailure.accept(new YamuxSessionClosedException("the peer does not read what it provokes: "
                    + MAX_PEER_DRIVEN_PENDING + " replies are waiting for the transport"));
        }
    }

    /**
     * Queues a data frame and waits until it is on the transport. The caller's bytes are not copied, so
     * they must not change until this returns.
     *
     * @throws YamuxTimeoutException when the frame is not written within {@code timeout}; the session fails
     */
    void sendData(FrameHeader header, byte[] data, int off, int len, Duration timeout) throws InterruptedIOException {
        Frame f = new Frame(header.encode(), data, off, len, false);
        synchronized (lock) {
            if (stopped || draining) {
                throw stopCause != null ? stopCause : new YamuxSessionClosedException("the yamux session is closed");
            }
            queue.add(f);
            lock.notifyAll();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (f) {
            while (!f.done) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    YamuxTimeoutException t = new YamuxTimeoutException(
                            "writing a yamux data frame: the transport took no bytes", timeout);
                    onFailure.accept(new YamuxSessionClosedException(
                            "the transport took no bytes within " + timeout + "; the peer stopped reading", t));
                    throw t;
                }
                try {
                    f.wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while writing a yamux frame");
                }
            }
            if (f.error != null) {
                throw f.error;
            }
        }
    }

    /**
     * Writes what is queued (waiting at most {@code drainTimeout}), then stops; frames still queued fail
     * with {@code cause}. Idempotent.
     */
    void shutdown(Duration drainTimeout, RuntimeException cause) {
        synchronized (lock) {
            if (stopCause == null) {
                stopCause = cause;
            }
            draining = true;
            lock.notifyAll();
        }
        if (Thread.currentThread() != thread && thread.isAlive()) {
            try {
                thread.join(Math.max(1, drainTimeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopNow();
    }

    private void stopNow() {
        ArrayDeque<Frame> failed;
        RuntimeException cause;
        synchronized (lock) {
            stopped = true;
            failed = new ArrayDeque<>(queue);
            queue.clear();
            peerDrivenPending = 0;
            cause = stopCause != null ? stopCause : new YamuxSessionClosedException("the yamux session is closed");
            lock.notifyAll();
        }
        for (Frame f : failed) {
            f.complete(cause);
        }
    }

    private void run() {
        try {
            while (true) {
                Frame f;
                boolean last;
                synchronized (lock) {
                    while (queue.isEmpty() && !stopped && !draining) {
                        lock.wait();
                    }
                    if (stopped || queue.isEmpty()) {
                        break;
                    }
                    f = queue.poll();
                    if (f.peerDriven) {
                        peerDrivenPending--;
                    }
                    last = queue.isEmpty();
                }
                out.write(f.header);
                if (f.len > 0) {
                    out.write(f.data, f.off, f.len);
                }
                if (last) {
                    out.flush();
                }
                f.complete(null);
            }
            out.flush();
        } catch (IOException e) {
            YamuxSessionClosedException failure =
                    new YamuxSessionClosedException("writing to the yamux transport failed: " + e.getMessage(), e);
            synchronized (lock) {
                if (stopCause == null) {
                    stopCause = failure;
                }
            }
            onFailure.accept(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopNow();
        }
    }

    private static final class Frame {
        final byte[] header;
        final byte[] data;
        final int off;
        final int len;
        final boolean peerDriven;
        boolean done;
        RuntimeException error;

        Frame(byte[] header, byte[] data, int off, int len, boolean peerDriven) {
            this.header = header;
            this.data = data;
            this.off = off;
            this.len = len;
            this.peerDriven = peerDriven;
        }

        synchronized void complete(RuntimeException error) {
            if (!done) {
                done = true;
                this.error = error;
                notifyAll();
            }
        }
    }
}
