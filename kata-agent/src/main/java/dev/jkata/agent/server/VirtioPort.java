package dev.jkata.agent.server;

import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The virtio-serial port the host talks to the agent on, {@code /dev/virtio-ports/agent.channel.0}.
 *
 * <p>It is opened once, read-write: the kernel lets only one open of a virtio console port at a time, so
 * separate read and write opens would fail with EBUSY. Reads and writes use the one file descriptor
 * through a {@link FileInputStream} and a {@link FileOutputStream}, which do not lock each other (a
 * {@code FileChannel} would serialise them).
 *
 * <p>While no host is connected to the port's other end, a read returns 0 bytes at once (end of file to
 * Java). {@link #input()} therefore treats end of file before the first byte as "the host is not there yet"
 * and polls; after the first byte, end of file is the host going away.
 */
public final class VirtioPort implements Closeable {
    /** The port Kata's runtime and ours name agent.channel.0. */
    public static final Path DEFAULT_PATH = Path.of("/dev/virtio-ports/agent.channel.0");

    private static final long POLL_MS = 10;

    private final Path path;
    private final RandomAccessFile file;
    private final FileInputStream in;
    private final FileOutputStream out;

    private VirtioPort(Path path, RandomAccessFile file) throws IOException {
        this.path = path;
        this.file = file;
        this.in = new FileInputStream(file.getFD());
        this.out = new FileOutputStream(file.getFD());
    }

    /** Opens the port, waiting at most {@code appear} for its device node to exist (the driver may still be probing). */
    public static VirtioPort open(Path path, Duration appear) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + appear.toNanos();
        while (!Files.exists(path)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(path + " did not appear within " + appear.toMillis() + " ms");
            }
            Thread.sleep(POLL_MS);
        }
        return new VirtioPort(path, new RandomAccessFile(path.toFile(), "rw"));
    }

    /**
     * The device node of the port named {@code name}: {@code /dev/virtio-ports/NAME} when init linked it, else the
     * {@code /dev/vportNpM} whose sysfs name matches; empty when this guest has no such port.
     */
    public static java.util.Optional<Path> byName(String name) {
        Path linked = Path.of("/dev/virtio-ports").resolve(name);
        if (Files.exists(linked)) {
            return java.util.Optional.of(linked);
        }
        try (java.util.stream.Stream<Path> ports = Files.list(Path.of("/sys/class/virtio-ports"))) {
            for (Path p : (Iterable<Path>) ports::iterator) {
                Path n = p.resolve("name");
                if (Files.isReadable(n) && Files.readString(n).trim().equals(name)) {
                    return java.util.Optional.of(Path.of("/dev").resolve(p.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    public Path path() { return path; }

    /** A fresh view of the port's input for one session: it waits for the host, then reads until the host goes. */
    public InputStream input() { return new HostInput(); }

    /** The port's output; closing it does not close the port. */
    public OutputStream output() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException { out.write(b); }

            @Override
            public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        };
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    private final class HostInput extends InputStream {
        private boolean connected;

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                int n = in.read(b, off, len);
                if (n > 0) {
                    connected = true;
                    return n;
                }
                if (connected) {
                    return -1;
                }
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for the host on " + path);
                }
            }
        }
    }
}
