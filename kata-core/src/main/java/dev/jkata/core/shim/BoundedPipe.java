package dev.jkata.core.shim;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A byte pipe with a fixed capacity between one producer (a pump reading from the agent) and the user's
 * reader. A full pipe blocks the producer — so a process whose output nobody reads stops at the agent's
 * bounded buffer and then in its own write — and nothing is ever dropped. Closing the read side
 * ({@link #close()}) unblocks the producer and discards what is left; reading on is an error, as with any closed
 * stream. {@link #discard()}, for a process that was closed, does the same but leaves readers an end of data,
 * so a reader on another thread sees its output end rather than fail.
 */
final class BoundedPipe extends InputStream {
    /** What a pipe starts with: most processes write little, and an idle exec should hold little. */
    static final int INITIAL = 64 * 1024;

    private final int capacity;
    private byte[] ring;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;
    private int size;
    private boolean eof;
    private boolean readerClosed;
    private boolean discarded;
    private IOException failure;

    BoundedPipe(int capacity) {
        this.capacity = capacity;
        this.ring = new byte[Math.min(capacity, INITIAL)];
    }

    /** Bytes allocated now: grows with what is buffered, up to the capacity. */
    int allocated() {
        lock.lock();
        try {
            return ring.length;
        } finally {
            lock.unlock();
        }
    }

    /** Doubles the ring (up to the capacity), keeping the buffered bytes in order from index 0. */
    private void grow() {
        byte[] bigger = new byte[(int) Math.min(capacity, 2L * ring.length)];
        int first = Math.min(size, ring.length - head);
        System.arraycopy(ring, head, bigger, 0, first);
        System.arraycopy(ring, 0, bigger, first, size - first);
        ring = bigger;
        head = 0;
    }

    /**
     * Appends bytes, blocking while the pipe is full.
     *
     * @return false when the reader has closed the pipe (the producer should stop)
     */
    boolean write(byte[] data, int off, int len) throws InterruptedException {
        lock.lock();
        try {
            while (len > 0) {
                if (size == ring.length && ring.length < capacity) {
                    grow();
                }
                while (size == ring.length && !readerClosed && !discarded) {
                    notFull.await();
                }
                if (readerClosed || discarded) {
                    return false;
                }
                int tail = (head + size) % ring.length;
                int n = Math.min(len, Math.min(ring.length - size, ring.length - tail));
                System.arraycopy(data, off, ring, tail, n);
                size += n;
                off += n;
                len -= n;
                notEmpty.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Marks the end of the data; readers see EOF once they have drained what is buffered. */
    void finish() {
        lock.lock();
        try {
            eof = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Ends the data with an error, reported to the reader after the buffered bytes. */
    void fail(IOException e) {
        lock.lock();
        try {
            failure = e;
            eof = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            while (size == 0 && !eof && !readerClosed && !discarded) {
                notEmpty.await();
            }
            if (readerClosed) {
                throw new IOException("stream closed");
            }
            if (discarded) {
                return -1;
            }
            if (size == 0) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            int n = Math.min(len, Math.min(size, ring.length - head));
            System.arraycopy(ring, head, b, off, n);
            head = (head + n) % ring.length;
            size -= n;
            notFull.signalAll();
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading process output");
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered and what the producer would add; readers see the end of the data. */
    void discard() {
        shut(false);
    }

    @Override
    public void close() {
        shut(true);
    }

    /** Drops the buffer and stops the producer; reading on is an error ({@code readerClosed}) or the end of the data. */
    private void shut(boolean readerClose) {
        lock.lock();
        try {
            if (readerClose) {
                readerClosed = true;
            } else {
                discarded = true;
            }
            size = 0;
            notFull.signalAll();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
