package dev.jkata.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads a stream to its end on a thread of its own (never a shared pool: the reads block), keeping at most
 * {@code limit} bytes and draining the rest, so a process that writes more than is kept never blocks on a
 * full pipe.
 */
final class OutputCapture {
    private static final int CHUNK = 16 * 1024;

    private final InputStream in;
    private final long limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean truncated;

    private OutputCapture(InputStream in, long limit, String name) {
        this.in = in;
        this.limit = limit;
        this.thread = new Thread(this::drain, name);
        this.thread.setDaemon(true);
    }

    static OutputCapture start(InputStream in, long limit, String name) {
        OutputCapture c = new OutputCapture(in, limit, name);
        c.thread.start();
        return c;
    }

    private void drain() {
        byte[] buf = new byte[CHUNK];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (kept) {
                    long room = limit - kept.size();
                    if (room > 0) {
                        kept.write(buf, 0, (int) Math.min(room, n));
                    }
                    if (n > room) {
                        truncated = true;
                    }
                }
            }
        } catch (IOException e) {
            // Not the end of the stream: the output failed (the agent lost it, or the sandbox went). What was read is
            // kept, and the result says it may be incomplete; a clean end after a close reads as EOF, not as this.
            truncated = true;
        }
    }

    /** Waits up to {@code timeout} for the end of the stream; true when it ended. */
    boolean awaitEnd(Duration timeout) throws InterruptedException {
        thread.join(Math.max(1, timeout.toMillis()));
        return !thread.isAlive();
    }

    /** What was kept so far. */
    byte[] kept() {
        synchronized (kept) {
            return kept.toByteArray();
        }
    }

    boolean truncated() {
        return truncated;
    }
}
