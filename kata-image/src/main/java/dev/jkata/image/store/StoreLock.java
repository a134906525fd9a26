package dev.jkata.image.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lock on a file in the store that works across JVMs (a POSIX record lock) and across threads of this one (a POSIX
 * lock belongs to the process, so threads of one JVM are ordered by a count kept here). Shared holders (sandboxes
 * using an image) keep exclusive ones ({@code kata image rm}, building the image) out, and the other way round.
 * Waiting is bounded: a lock not had within its timeout is an {@link IOException} naming the file.
 */
final class StoreLock implements AutoCloseable {
    /** Per lock file in this JVM: the channel, its lock, and how many holders share it (-1: held exclusively). */
    private static final Map<Path, Held> HELD = new ConcurrentHashMap<>();

    private static final class Held {
        FileChannel channel;
        FileLock lock;
        int holders;
    }

    private final Path file;
    private final boolean shared;
    private boolean closed;

    private StoreLock(Path file, boolean shared) {
        this.file = file;
        this.shared = shared;
    }

    static StoreLock exclusive(Path file, Duration timeout) throws IOException {
        return acquire(file, false, timeout);
    }

    static StoreLock shared(Path file, Duration timeout) throws IOException {
        return acquire(file, true, timeout);
    }

    /** An exclusive lock only if nobody holds one now, else null. */
    static StoreLock tryExclusive(Path file) throws IOException {
        return attempt(file, false) ? new StoreLock(file, false) : null;
    }

    private static StoreLock acquire(Path file, boolean shared, Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        long pause = 10;
        while (!attempt(file, shared)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("another process has held " + file + " for over " + timeout.toSeconds()
                        + " s; if no jkata process is running, remove the file");
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for " + file);
            }
            pause = Math.min(200, pause * 2);
        }
        return new StoreLock(file, shared);
    }

    private static boolean attempt(Path file, boolean shared) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null) {
                if (shared && h.holders > 0) {
                    h.holders++;
                    return true;
                }
                return false;
            }
            FileChannel ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(0, Long.MAX_VALUE, shared);
            } catch (OverlappingFileLockException | IOException e) {
                ch.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
            if (lock == null) {
                ch.close();
                return false;
            }
            Held n = new Held();
            n.channel = ch;
            n.lock = lock;
            n.holders = shared ? 1 : -1;
            HELD.put(key, n);
            return true;
        }
    }

    @Override
    public void close() {
        Path key = file.toAbsolutePath().normalize();
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            Held h = HELD.get(key);
            if (h == null) {
                return;
            }
            if (shared && --h.holders > 0) {
                return;
            }
            HELD.remove(key);
            try {
                h.lock.release();
                h.channel.close();
            } catch (IOException e) {
                // the channel is gone either way; the kernel drops the lock with it
            }
        }
    }
}
