package dev.jkata.testkit.fake;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.files.FileService;
import dev.jkata.agent.network.ForwardServer;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A fake's end of the data channel, as a VM's forwarding port would serve it: the agent's {@link ForwardServer} with
 * its {@link FileService} on a UNIX socket, one host connection after another, on a daemon thread, until closed.
 */
final class InProcessDataPort implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final ForwardServer forward;
    private final Thread acceptor;

    /**
     * @param rootOf a container's stand-in root by id; throws {@link AgentException} for an unknown container
     */
    InProcessDataPort(Path socket, Function<String, Path> rootOf, String name) throws IOException {
        this.socket = socket;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.forward = new ForwardServer(new FileService(rootOf));
        this.acceptor = new Thread(this::serve, name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    Path socket() {
        return socket;
    }

    private void serve() {
        try {
            while (true) {
                SocketChannel connection = server.accept();
                forward.serve(YamuxSession.server(connection, YamuxConfig.builder().name("fake-data").build()));
            }
        } catch (IOException | RuntimeException closed) {
            // closed, or the host went away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        forward.close();
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
