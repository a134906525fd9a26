package dev.jkata.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The socket an OCI runtime's {@code --console-socket} names: the runtime connects once and sends the
 * master of the pty it made for the container process, as an {@code SCM_RIGHTS} message.
 */
public final class ConsoleSocket implements Closeable {
    private static final int POLL_MS = 20;

    private final Path path;
    private final int fd;
    private boolean closed;

    private ConsoleSocket(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Listens on {@code path}, which must not exist. */
    public static ConsoleSocket listen(Path path) throws IOException {
        LibC c = LibC.INSTANCE;
        int fd;
        try {
            fd = c.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket: errno " + e.getErrorCode(), e);
        }
        try {
            Memory addr = Sockets.address(path);
            c.bind(fd, addr, Sockets.SOCKADDR_UN_SIZE);
            c.listen(fd, 1);
            return new ConsoleSocket(path, fd);
        } catch (LastErrorException e) {
            c.close(fd);
            throw new IOException("cannot listen on console socket " + path + ": errno " + e.getErrorCode(), e);
        }
    }

    public Path path() { return path; }

    /**
     * Waits for the runtime to connect and send the pty master.
     *
     * @param runtimeAlive false once the runtime exited (it will not connect any more)
     * @throws IOException when the runtime exited or {@code timeout} passed without a master arriving
     */
    public Pty receive(BooleanSupplier runtimeAlive, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        LibC c = LibC.INSTANCE;
        awaitReadable(fd, runtimeAlive, deadline, "connect to");
        int conn;
        try {
            conn = c.accept4(fd, null, null, LibC.SOCK_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("accept on console socket " + path + ": errno " + e.getErrorCode(), e);
        }
        try {
            awaitReadable(conn, runtimeAlive, deadline, "send a pty master over");
            Sockets.Message msg = new Sockets.Message(4096);
            long n = c.recvmsg(conn, msg.header, LibC.MSG_CMSG_CLOEXEC).longValue();
            int master = msg.receivedDescriptor();
            if (master < 0) {
                throw new IOException("the runtime sent " + n + " bytes but no pty master over " + path);
            }
            return new Pty(master);
        } catch (LastErrorException e) {
            throw new IOException("recvmsg on console socket " + path + ": errno " + e.getErrorCode(), e);
        } finally {
            c.close(conn);
        }
    }

    private void awaitReadable(int socket, BooleanSupplier alive, long deadline, String what) throws IOException {
        Memory pollfd = new Memory(8);
        while (true) {
            pollfd.setInt(0, socket);
            pollfd.setShort(4, LibC.POLLIN);
            pollfd.setShort(6, (short) 0);
            int ready;
            try {
                ready = LibC.INSTANCE.poll(pollfd, new NativeLong(1), POLL_MS);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == LibC.EINTR) {
                    continue;
                }
                throw new IOException("poll on console socket " + path + ": errno " + e.getErrorCode(), e);
            }
            if (ready > 0) {
                return;
            }
            if (!alive.getAsBoolean()) {
                throw new IOException("the runtime exited without a pty master: it did not " + what + " " + path);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the runtime did not " + what + " " + path + " in time");
            }
        }
    }

    /** Stops listening and removes the socket file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        LibC.INSTANCE.close(fd);
        Files.deleteIfExists(path);
    }
}
