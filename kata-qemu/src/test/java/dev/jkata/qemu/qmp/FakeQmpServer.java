package dev.jkata.qemu.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scripted QMP server on a UNIX socket: accepts one client and runs a {@link Script} against it on its own
 * thread. Scripts read the client's commands and write whatever bytes the test needs, good or bad.
 */
final class FakeQmpServer implements AutoCloseable {
    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    @FunctionalInterface
    interface Script {
        void run(Conn conn) throws Exception;
    }

    /** The server side of one connection. */
    static final class Conn {
        private final SocketChannel ch;
        private final ByteBuffer in = ByteBuffer.allocate(1 << 16);
        private final StringBuilder pending = new StringBuilder();

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void send(String raw) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(raw.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        void sendLine(String json) throws IOException {
            send(json + "\r\n");
        }

        /** Reads the next command the client sent; null at EOF. */
        JsonNode readCommand() throws IOException {
            while (true) {
                int nl = pending.indexOf("\n");
                if (nl >= 0) {
                    String line = pending.substring(0, nl);
                    pending.delete(0, nl + 1);
                    return JSON.readTree(line);
                }
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    return null;
                }
                pending.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
            }
        }

        /** Greets and answers qmp_capabilities. */
        void handshake() throws IOException {
            sendLine(GREETING);
            JsonNode caps = readCommand();
            if (!"qmp_capabilities".equals(caps.path("execute").asText())) {
                throw new IllegalStateException("expected qmp_capabilities, got " + caps);
            }
            reply(caps, "{}");
        }

        void reply(JsonNode command, String returnJson) throws IOException {
            sendLine("{\"return\": " + returnJson + ", \"id\": " + command.get("id") + "}");
        }

        void error(JsonNode command, String cls, String desc) throws IOException {
            sendLine("{\"error\": {\"class\": \"" + cls + "\", \"desc\": \"" + desc + "\"}, \"id\": " + command.get("id") + "}");
        }

        void event(String name, String data) throws IOException {
            sendLine("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 250000}, \"event\": \"" + name + "\""
                    + (data == null ? "" : ", \"data\": " + data) + "}");
        }

        void close() throws IOException {
            ch.close();
        }
    }

    private final ServerSocketChannel server;
    private final Path socket;
    final CompletableFuture<Void> done = new CompletableFuture<>();

    FakeQmpServer(Path socket, Script script) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (SocketChannel ch = server.accept()) {
                script.run(new Conn(ch));
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, "fake-qmp-server");
        t.setDaemon(true);
        t.start();
    }

    Path socket() {
        return socket;
    }

    /** Waits for the script to finish and rethrows what it threw. */
    void awaitScript() throws Exception {
        done.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
