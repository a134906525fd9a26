package dev.jkata.testkit.fake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a stream to its end on its own thread, keeping at most {@code limit} bytes and draining the rest, so
 * a process that writes more than is kept never blocks on a full pipe.
 */
final class StreamCapture {
    private final InputStream in;
    private final long limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile boolean truncated;

    private StreamCapture(InputStream in, long limit, String name) {
        this.in = in;
        this.limit = limit;
        this.thread = new Thread(this::drain, name);
        this.thread.setDaemon(true);
    }

    static StreamCapture start(InputStream in, long limit, String name) {
        StreamCapture c = new StreamCapture(in, limit, name);
        c.thread.start();
        return c;
    }

    private void drain() {
        byte[] buf = new byte[16 * 1024];
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
            // the stream was closed under us (the process was killed): keep what was read
        }
    }

    /** Waits for the end of the stream and returns what was kept. */
    byte[] join() throws InterruptedException {
        thread.join();
        synchronized (kept) {
            return kept.toByteArray();
        }
    }

    boolean truncated() {
        return truncated;
    }
}
