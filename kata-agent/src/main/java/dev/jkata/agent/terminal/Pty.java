package dev.jkata.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The master side of a pseudo-terminal: what the process writes to its terminal is read from
 * {@link #input()}, what is written to {@link #output()} it reads as typed input. Once every slave
 * descriptor is closed (the process and its children exited) the input ends. The descriptor is closed only
 * when no write is in flight, so a closed number is never written to after the kernel reused it.
 */
public final class Pty implements Closeable {
    private static final byte EOT = 0x04;

    private final int master;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** Takes ownership of the master descriptor {@code master}. */
    public Pty(int master) {
        this.master = master;
    }

    /** The master's descriptor number. */
    public int descriptor() { return master; }

    /** Reads what the process writes to its terminal; end of stream once the terminal hung up. Closing it closes the pty. */
    public InputStream input() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                byte[] buf = off == 0 ? b : new byte[len];
                long n = readNative(buf, len);
                if (n <= 0) {
                    return -1;
                }
                if (buf != b) {
                    System.arraycopy(buf, 0, b, off, (int) n);
                }
                return (int) n;
            }

            @Override
            public void close() {
                Pty.this.close();
            }
        };
    }

    /** Writes to the process's terminal input. */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writeNative(off == 0 && len == b.length ? b : Arrays.copyOfRange(b, off, off + len));
            }
        };
    }

    /** Types end-of-file (^D): a terminal has no half-close; a reader in canonical mode sees end of file. */
    public void sendEof() throws IOException {
        writeNative(new byte[] {EOT});
    }

    /** Sets the terminal's size, columns then rows as everywhere in jkata (the kernel's winsize holds rows first); the process gets SIGWINCH. */
    public void resize(int columns, int rows) throws IOException {
        Memory ws = new Memory(8);
        ws.clear();
        ws.setShort(0, (short) rows);
        ws.setShort(2, (short) columns);
        lock.readLock().lock();
        try {
            ensureOpen();
            LibC.INSTANCE.ioctl(master, new NativeLong(LibC.TIOCSWINSZ), ws);
        } catch (LastErrorException e) {
            throw new IOException("resizing the terminal: errno " + e.getErrorCode(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    private long readNative(byte[] buf, int len) throws IOException {
        while (true) {
            lock.readLock().lock();
            try {
                if (closed) {
                    return -1;
                }
                return LibC.INSTANCE.read(master, buf, new NativeLong(len)).longValue();
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EIO) {
                    return -1;
                }
                if (e.getErrorCode() != LibC.EINTR && e.getErrorCode() != LibC.EAGAIN) {
                    throw new IOException("reading the terminal: errno " + e.getErrorCode(), e);
                }
            } finally {
                lock.readLock().unlock();
            }
        }
    }

    private void writeNative(byte[] data) throws IOException {
        int off = 0;
        lock.readLock().lock();
        try {
            ensureOpen();
            while (off < data.length) {
                byte[] chunk = off == 0 ? data : Arrays.copyOfRange(data, off, data.length);
                try {
                    off += (int) LibC.INSTANCE.write(master, chunk, new NativeLong(chunk.length)).longValue();
                } catch (LastErrorException e) {
                    if (e.getErrorCode() != LibC.EINTR && e.getErrorCode() != LibC.EAGAIN) {
                        throw new IOException("writing the terminal: errno " + e.getErrorCode(), e);
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the terminal is closed");
        }
    }

    /** Closes the master once no read or write is in flight. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                LibC.INSTANCE.close(master);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
