package dev.jkata.agent.protocol.yamux;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** A connected pair of UNIX-domain socket channels, made through a listening socket in a directory. */
record UnixPair(SocketChannel left, SocketChannel right) implements AutoCloseable {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static UnixPair open(Path dir) throws IOException {
        Path path = dir.resolve("p" + COUNTER.incrementAndGet() + ".sock");
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(path);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(address);
            SocketChannel left = SocketChannel.open(address);
            SocketChannel right = server.accept();
            Files.deleteIfExists(path);
            return new UnixPair(left, right);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            left.close();
        } finally {
            right.close();
        }
    }
}
