package dev.jkata.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.forward.ForwardReply;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.Network;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The host's gateway against a hostile guest, which opens whatever streams it likes on the forwarding port: only a
 * well-formed CONNECT to an allowed destination is connected; everything else is refused and counted.
 */
@Timeout(60)
class EgressGatewayTest {
    @TempDir
    Path dir;

    private ServerSocket allowedServer;
    private ServerSocket otherServer;
    private SocketChannel hostEnd;
    private SocketChannel guestEnd;
    private YamuxSession host;
    private YamuxSession guest;
    private EgressGateway gateway;

    @BeforeEach
    void setUp() throws IOException {
        allowedServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        otherServer = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        gateway = new EgressGateway(EgressPolicy.resolve(Network.nat().allow("127.0.0.1:" + allowedServer.getLocalPort()),
                "test"), "test");
        Path path = dir.resolve("f.sock");
        try (ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(path));
            hostEnd = SocketChannel.open(UnixDomainSocketAddress.of(path));
            guestEnd = ss.accept();
        }
        host = YamuxSession.client(hostEnd, YamuxConfig.builder().name("host").build());
        guest = YamuxSession.server(guestEnd, YamuxConfig.builder().name("guest").build());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    YamuxStream s = host.accept();
                    new Thread(() -> gateway.handle(s)).start();
                }
            } catch (InterruptedException | RuntimeException ended) {
                // session closed
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        gateway.close();
        host.close();
        guest.close();
        hostEnd.close();
        guestEnd.close();
        allowedServer.close();
        otherServer.close();
    }

    private ForwardReply ask(String line) throws IOException {
        YamuxStream s = guest.openStream();
        s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
        return ForwardReply.read(s, Duration.ofSeconds(10));
    }

    @Test
    void anAllowedDestinationIsConnectedAndCarriesBytes() throws Exception {
        YamuxStream s = guest.openStream();
        ForwardRequest.connect(Network.HOST_ADDRESS, allowedServer.getLocalPort()).write(s.getOutputStream());
        assertThat(ForwardReply.read(s, Duration.ofSeconds(10)).isOk()).isTrue();
        try (Socket server = allowedServer.accept()) {
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(server.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("ping");
            server.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
            assertThat(s.getInputStream().readNBytes(4)).asString(StandardCharsets.US_ASCII).isEqualTo("pong");
        }
        assertThat(gateway.refused()).isZero();
    }

    @Test
    void everythingElseIsRefusedAndCounted() throws Exception {
        assertThat(ask("CONNECT 10.0.2.2 " + otherServer.getLocalPort() + "\n").error()).contains("policy");
        assertThat(ask("CONNECT 127.0.0.1 " + allowedServer.getLocalPort() + "\n").error()).contains("policy");
        assertThat(ask("CONNECT 192.0.2.1 " + allowedServer.getLocalPort() + "\n").error()).contains("policy");
        assertThat(ask("LISTEN 10.0.2.2 " + allowedServer.getLocalPort() + "\n").error()).as("the host listens for no guest").contains("policy");
        assertThat(gateway.refused()).isEqualTo(4);

        YamuxStream garbage = guest.openStream();
        garbage.getOutputStream().write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> garbage.getInputStream().read(new byte[16])).as("a malformed request is reset")
                .isInstanceOf(dev.jkata.agent.protocol.yamux.YamuxStreamResetException.class);

        otherServer.setSoTimeout(500);
        assertThat(acceptsWithin(otherServer)).as("the other server was never dialled").isFalse();
        assertThat(gateway.active()).isZero();
    }

    private static boolean acceptsWithin(ServerSocket ss) {
        try (Socket s = ss.accept()) {
            return true;
        } catch (IOException timedOut) {
            return false;
        }
    }
}
