package dev.jkata.agent.process;

import java.util.ArrayDeque;

/**
 * A bounded buffer of one output stream of a process (stdout or stderr) between the pump thread that
 * fills it and the RPCs that drain it.
 *
 * <p>{@link #write} blocks while the buffer holds {@code capacity} bytes or more, so a process whose output
 * nobody reads blocks in its own write once the pipe is full too: back-pressure, nothing is dropped.
 * {@link #read} blocks until at least one byte is there or the stream ended. Memory follows what is
 * buffered: chunks as the pump read them, no preallocated ring.
 */
public final class OutputBuffer {
    private final int capacity;

    // guarded by this
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private int size;
    private boolean finished;
    private boolean discarded;
    private boolean endDelivered;

    /** A buffer that holds at most {@code capacity} bytes (one chunk may overshoot it when the buffer is empty). */
    public OutputBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    public int capacity() { return capacity; }

    /**
     * Appends a chunk, waiting while the buffer is full. The buffer keeps {@code chunk}: the caller must
     * not reuse it. After {@link #discard()} chunks are dropped at once.
     */
    public synchronized void write(byte[] chunk) throws InterruptedException {
        if (chunk.length == 0) {
            return;
        }
        while (!discarded && size > 0 && size + chunk.length > capacity) {
            wait();
        }
        if (discarded) {
            return;
        }
        chunks.addLast(chunk);
        size += chunk.length;
        notifyAll();
    }

    /** Marks the end of the stream: readers get what is left, then end of stream. Idempotent. */
    public synchronized void finish() {
        finished = true;
        notifyAll();
    }

    /**
     * Takes up to {@code max} bytes, waiting until there is at least one or the stream ended.
     *
     * @return the bytes, or {@code null} at the end of the stream
     */
    public synchronized byte[] read(int max) throws InterruptedException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        while (size == 0 && !finished && !discarded) {
            wait();
        }
        if (size == 0) {
            endDelivered = true;
            return null;
        }
        byte[] out = new byte[Math.min(max, size)];
        int filled = 0;
        while (filled < out.length) {
            byte[] head = chunks.peekFirst();
            int n = Math.min(head.length - headOffset, out.length - filled);
            System.arraycopy(head, headOffset, out, filled, n);
            filled += n;
            headOffset += n;
            if (headOffset == head.length) {
                chunks.removeFirst();
                headOffset = 0;
            }
        }
        size -= filled;
        notifyAll();
        return out;
    }

    /** Drops what is buffered and everything written from now on; readers see the end of the stream. */
    public synchronized void discard() {
        discarded = true;
        chunks.clear();
        size = 0;
        headOffset = 0;
        notifyAll();
    }

    /** Bytes buffered now. */
    public synchronized int size() { return size; }

    /** Whether a reader has been told the stream ended. */
    public synchronized boolean endDelivered() { return endDelivered; }
}
