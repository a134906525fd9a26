package dev.jkata.agent.process;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A process's stdin behind a bounded queue and a writer thread of its own. A write takes what fits in the queue and
 * returns that count at once, or waits (interruptibly) for room: a write the host cancels has taken nothing, and one
 * that returns has taken exactly what it says, so no byte is delivered that the host was told failed. Closing lets
 * the queued bytes through first, then closes the pipe, without waiting for a process that does not read.
 */
final class StdinFeeder {
    private final OutputStream out;
    private final int capacity;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    // guarded by this
    private int queued;
    private boolean closing;
    private IOException broken;

    StdinFeeder(OutputStream out, int capacity, String name) {
        this.out = out;
        this.capacity = capacity;
        Thread t = new Thread(this::drain, name);
        t.setDaemon(true);
        t.start();
    }

    /**
     * Queues as much of {@code data} as fits, waiting for room when the queue is full.
     *
     * @return the bytes taken, at least one
     * @throws IOException when the pipe broke (the process exited) or stdin was closed
     */
    synchronized int offer(byte[] data) throws IOException, InterruptedException {
        if (data.length == 0) {
            return 0;
        }
        while (queued >= capacity && broken == null && !closing) {
            wait();
        }
        if (broken != null) {
            throw broken;
        }
        if (closing) {
            throw new IOException("stdin is closed");
        }
        int n = Math.min(data.length, capacity - queued);
        queue.addLast(n == data.length ? data : Arrays.copyOf(data, n));
        queued += n;
        notifyAll();
        return n;
    }

    /** No more writes: the pipe closes once what is queued has gone in. */
    synchronized void close() {
        closing = true;
        notifyAll();
    }

    /** Bytes waiting for the process to read them. */
    synchronized int queued() { return queued; }

    private void drain() {
        try {
            while (true) {
                byte[] next;
                synchronized (this) {
                    while (queue.isEmpty() && !closing) {
                        wait();
                    }
                    if (queue.isEmpty()) {
                        break;
                    }
                    next = queue.peekFirst();
                }
                out.write(next);
                out.flush();
                synchronized (this) {
                    queue.pollFirst();
                    queued -= next.length;
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                broken = e;
                queue.clear();
                queued = 0;
                notifyAll();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // the process's end is gone already
        }
    }
}
