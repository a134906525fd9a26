package dev.jkata.cli.oci;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The daemon's control socket: one request line per connection ({@code start}, {@code kill 15}, {@code pause}, ...),
 * one reply line ({@code ok ...} or {@code error MESSAGE}). The socket is 0600 in the container's 0700 directory,
 * so only its owner reaches it; requests and replies are bounded at {@value #MAX_LINE} bytes.
 */
final class Control {
    static final int MAX_LINE = 4096;

    private Control() {}

    /** Sends {@code request}, returns the reply's text after {@code ok}; an {@code error} reply is a RuntimeFailure. */
    static String call(Path socket, String request, Duration timeout) {
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "kata-runtime-control");
            t.setDaemon(true);
            return t;
        });
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            writeLine(ch, request);
            Future<String> reply = reader.submit(() -> readLine(ch));
            String line;
            try {
                line = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new RuntimeFailure("the container's daemon did not answer '" + request + "' within " + timeout.toSeconds()
                        + " s; kata-runtime delete --force removes it");
            } catch (ExecutionException e) {
                throw new RuntimeFailure("the container's daemon went away while answering '" + request + "'", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeFailure("interrupted while waiting for the container's daemon");
            }
            if (line.startsWith("ok")) {
                return line.length() > 3 ? line.substring(3) : "";
            }
            throw new RuntimeFailure(line.startsWith("error ") ? line.substring(6) : "the daemon said: " + line);
        } catch (IOException e) {
            throw new Unreachable(socket, e);
        } finally {
            reader.shutdownNow();
        }
    }

    /** The daemon is not there (it exited, or never listened). */
    static final class Unreachable extends RuntimeFailure {
        private static final long serialVersionUID = 1L;

        Unreachable(Path socket, IOException cause) {
            super("the container's daemon is not running (" + socket + ": " + cause.getMessage() + ")", cause);
        }
    }

    /**
     * Serves requests on {@code socket} on a daemon thread until the process ends; {@code handler} turns a request
     * into a reply line, and a RuntimeFailure it throws into an {@code error} reply.
     */
    static ServerSocketChannel serve(Path socket, Function<String, String> handler) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel ch = server.accept()) {
                    String reply;
                    try {
                        reply = "ok " + handler.apply(readLine(ch));
                    } catch (RuntimeFailure e) {
                        reply = "error " + e.getMessage();
                    } catch (RuntimeException e) {
                        reply = "error " + e;
                    }
                    writeLine(ch, reply);
                } catch (IOException e) {
                    // a caller that went away, or the server closed
                }
            }
        }, "kata-runtime-control-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    static void writeLine(SocketChannel ch, String line) throws IOException {
        String one = line.replace('\n', ' ');
        byte[] b = (one.length() > MAX_LINE - 1 ? one.substring(0, MAX_LINE - 1) : one).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n').flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_LINE);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                break;
            }
            for (int i = 0; i < buf.position(); i++) {
                if (buf.get(i) == '\n') {
                    return new String(buf.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException("no complete line within " + MAX_LINE + " bytes");
    }
}
