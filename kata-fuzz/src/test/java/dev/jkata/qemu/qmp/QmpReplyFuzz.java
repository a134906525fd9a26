package dev.jkata.qemu.qmp;

import dev.jkata.qemu.errors.QemuException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Jazzer target: the host's QMP client talking to a peer that sends whatever the input holds (its greeting, replies
 * and events), then closes. Connecting, {@code query-status}, {@code stop} and {@code cont} must each return or fail
 * with a {@link QemuException} well within their deadline, never with another exception, and close must end the
 * reader.
 */
public final class QmpReplyFuzz {
    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final Path SOCKET;
    private static final ServerSocketChannel SERVER;
    private static final ExecutorService PEER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "qmp-fuzz-peer");
        t.setDaemon(true);
        return t;
    });

    static {
        try {
            Path dir = Files.createTempDirectory("qmp-fuzz");
            dir.toFile().deleteOnExit();
            SOCKET = dir.resolve("qmp.sock");
            SERVER = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(SOCKET));
            SOCKET.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static boolean warm;

    private QmpReplyFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        Future<?> peer = PEER.submit(() -> {
            try (SocketChannel c = SERVER.accept()) {
                c.write(ByteBuffer.wrap(data));
                c.shutdownOutput();
                ByteBuffer sink = ByteBuffer.allocate(4096);
                while (c.read(sink.clear()) >= 0) {
                    // what the client sends, until it closes
                }
            }
            return null;
        });
        AtomicInteger events = new AtomicInteger();
        long start = System.nanoTime();
        try (QmpClient qmp = QmpClient.connect(SOCKET, DEADLINE)) {
            qmp.addEventListener(e -> events.incrementAndGet());
            call(qmp::queryStatus);
            call(qmp::stop);
            call(qmp::cont);
        } catch (QemuException typed) {
            // the peer spoke no QMP, or stopped
        }
        boolean first = !warm;
        warm = true;
        if (!first && System.nanoTime() - start > TimeUnit.SECONDS.toNanos(4)) { // the first pays for loading classes
            throw new IllegalStateException("a peer that closed kept the client waiting for its deadline");
        }
        peer.get(10, TimeUnit.SECONDS);
    }

    private static void call(Runnable r) {
        try {
            r.run();
        } catch (QemuException typed) {
            // an error reply, or the connection's end: both typed
        }
    }
}
