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
     * into a reply line, and a RuntimeFailure it throws into an {@code error} reply. A request that starts with
     * {@code exec }, {@code exec-in } or {@code start-in } goes to {@code streams} with its channel, on a thread of its own, and the channel is theirs.
     */
    static ServerSocketChannel serve(Path socket, Function<String, String> handler,
                                     java.util.function.BiConsumer<String, SocketChannel> streams) throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                SocketChannel accepted;
                try {
                    accepted = server.accept();
                } catch (IOException e) {
                    if (server.isOpen()) {
                        pause(); // an accept that keeps failing (out of file descriptors) must not spin a core
                    }
                    continue; // the server closed, or try again
                }
                // each caller on a thread of its own: one that never sends its line holds up no other
                Thread c = new Thread(() -> answer(accepted, handler, streams), "kata-runtime-control");
                c.setDaemon(true);
                c.start();
            }
        }, "kata-runtime-control-server");
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(SocketChannel ch, Function<String, String> handler,
                               java.util.function.BiConsumer<String, SocketChannel> streams) {
        String request;
        try {
            request = readLine(ch);
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        if (request.startsWith("exec ") || request.startsWith("exec-in ") || request.startsWith("start-in ")) {
            streams.accept(request, ch);
            return;
        }
        String reply;
        try {
            reply = "ok " + handler.apply(request);
        } catch (RuntimeFailure e) {
            reply = "error " + e.getMessage();
        } catch (RuntimeException e) {
            reply = "error " + e;
        }
        try {
            writeLine(ch, reply);
        } catch (IOException e) {
            // a caller that went away
        } finally {
            closeQuietly(ch);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    static void writeLine(SocketChannel ch, String line) throws IOException {
        String one = line.replace('\n', ' ');
        byte[] b = (one.length() > MAX_LINE - 1 ? one.substring(0, MAX_LINE - 1) : one).getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(b.length + 1).put(b).put((byte) '\n').flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Reads one line a byte at a time, so nothing after it (an exec's frames) is consumed. */
    static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        while (line.size() < MAX_LINE) {
            one.clear();
            if (ch.read(one) < 0) {
                throw new IOException("the peer closed before a complete line");
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        throw new IOException("no complete line within " + MAX_LINE + " bytes");
    }
}
