package dev.jkata.core.network;

import dev.jkata.core.channel.DataChannel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.agent.protocol.forward.ForwardReply;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.PublishedPort;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * N-H2: a guest that answers every connection to a published port and then holds it (or a client that opens
 * connections without end) cannot make the host carry more than the cap: threads stay bounded, the rest are refused.
 */
@Timeout(120)
class PublishedPortsTest {
    @TempDir
    Path tmp;

    @Test
    void connectionsPastTheCapAreRefusedAndThreadsStayBounded() throws Exception {
        Path socket = tmp.resolve("fwd.sock");
        ServerSocketChannel guestSide = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        guestSide.bind(UnixDomainSocketAddress.of(socket));
        List<YamuxStream> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread guest = new Thread(() -> {
            try (SocketChannel ch = guestSide.accept()) {
                // a hostile guest's forwarder: takes every stream, answers OK, sends a little, never ends any
                YamuxSession s = YamuxSession.server(ch, YamuxConfig.builder().name("hostile").maxInboundStreams(4096)
                        .acceptBacklog(4096).build());
                while (true) {
                    YamuxStream st = s.accept();
                    ForwardRequest.read(st, Duration.ofSeconds(5));
                    ForwardReply.ok().write(st.getOutputStream());
                    st.getOutputStream().write(new byte[1024]);
                    st.getOutputStream().flush();
                    held.add(st);
                }
            } catch (Exception e) {
                // the test ended the session
            }
        }, "test-hostile-guest");
        guest.setDaemon(true);
        guest.start();
        DataChannel channel = DataChannel.connect(socket, st -> st.reset(), "pp-test");
        PublishedPorts ports = PublishedPorts.bind(List.of(PublishedPort.of(80)), "pp-test");
        List<Socket> clients = new ArrayList<>();
        try {
            ports.start(channel);
            var address = ports.address(80);
            for (int i = 0; i < 300; i++) {
                clients.add(new Socket(address.getAddress(), address.getPort()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (ports.active() + ports.refused() < 300 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(ports.active()).as("connections carried").isEqualTo(PublishedPorts.MAX_CONNECTIONS);
            assertThat(ports.refused()).as("refused at once").isEqualTo(300 - PublishedPorts.MAX_CONNECTIONS);
            assertThat(publishThreads()).as("publish threads").isLessThanOrEqualTo(2L * PublishedPorts.MAX_CONNECTIONS + 2);
        } finally {
            for (Socket c : clients) {
                c.close();
            }
            ports.close();
            channel.close();
            guestSide.close();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (publishThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(publishThreads()).as("publish threads after close").isZero();
    }

    private static long publishThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("kata-publish-")).count();
    }
}
