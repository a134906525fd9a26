package dev.jkata.agent.protocol.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.yamux.YamuxConfig;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The forwarding streams' request and reply lines, bounded and strict, and a splice carrying bytes both ways. */
@Timeout(60)
class ForwardTest {
    @TempDir
    Path dir;

    private SocketChannel left;
    private SocketChannel right;
    private YamuxSession client;
    private YamuxSession server;

    @BeforeEach
    void pair() throws IOException {
        Path path = dir.resolve("s.sock");
        try (ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ss.bind(UnixDomainSocketAddress.of(path));
            left = SocketChannel.open(UnixDomainSocketAddress.of(path));
            right = ss.accept();
        }
        client = YamuxSession.client(left, YamuxConfig.builder().name("host").build());
        server = YamuxSession.server(right, YamuxConfig.builder().name("guest").build());
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
        left.close();
        right.close();
    }

    /** A stream whose peer end got {@code bytes} written (and nothing else). */
    private YamuxStream receiving(byte[] bytes, boolean fin) throws Exception {
        YamuxStream out = client.openStream();
        out.getOutputStream().write(bytes);
        if (fin) {
            out.closeWrite();
        }
        return server.accept(Duration.ofSeconds(5)).orElseThrow();
    }

    @Test
    void requestsAndRepliesRoundTrip() throws Exception {
        YamuxStream out = client.openStream();
        ForwardRequest.connect("10.0.2.2", 5432).write(out.getOutputStream());
        ForwardRequest.listen("0.0.0.0", 80).write(out.getOutputStream());
        ForwardReply.error("refused by policy\n\u00e9").write(out.getOutputStream());
        ForwardReply.ok().write(out.getOutputStream());
        YamuxStream in = server.accept(Duration.ofSeconds(5)).orElseThrow();

        assertThat(ForwardRequest.read(in, Duration.ofSeconds(5))).isEqualTo(ForwardRequest.connect("10.0.2.2", 5432));
        assertThat(ForwardRequest.read(in, Duration.ofSeconds(5))).isEqualTo(ForwardRequest.listen("0.0.0.0", 80));
        ForwardReply err = ForwardReply.read(in, Duration.ofSeconds(5));
        assertThat(err.isOk()).isFalse();
        assertThat(err.error()).isEqualTo("refused by policy??");
        assertThat(ForwardReply.read(in, Duration.ofSeconds(5)).isOk()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONNECT 10.0.2.2\n", "OPEN 10.0.2.2 80\n", "CONNECT 256.0.0.1 80\n", "CONNECT 10.0.2.2 0\n",
            "CONNECT 10.0.2.2 65536\n", "CONNECT ::1 80\n", "connect 10.0.2.2 80\n", "CONNECT 10.0.2.2 80 \n",
            "CONNECT 10.0.2.2 80", "CONNECT 10.0.2.2\u0000 80\n"})
    void malformedRequestsAreRefused(String line) throws Exception {
        YamuxStream in = receiving(line.getBytes(StandardCharsets.ISO_8859_1), true);
        assertThatThrownBy(() -> ForwardRequest.read(in, Duration.ofSeconds(5))).isInstanceOf(ForwardProtocolException.class);
    }

    @Test
    void anEndlessLineIsCutAtItsBound() throws Exception {
        YamuxStream in = receiving("C".repeat(100_000).getBytes(StandardCharsets.US_ASCII), false);
        assertThatThrownBy(() -> ForwardRequest.read(in, Duration.ofSeconds(5)))
                .isInstanceOf(ForwardProtocolException.class).hasMessageContaining("longer than 128");
        assertThat(in.available()).as("the rest is not read").isPositive();
    }

    @Test
    void aSilentPeerTimesOut() throws Exception {
        YamuxStream in = receiving("CONNECT 1.2".getBytes(StandardCharsets.US_ASCII), false);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> ForwardRequest.read(in, Duration.ofMillis(300)))
                .isInstanceOf(ForwardProtocolException.class).hasMessageContaining("within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aSpliceCarriesBothDirectionsAndHalfClosesEachOnItsOwn() throws Exception {
        byte[] up = new byte[3 << 20];
        byte[] down = new byte[2 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        AtomicInteger done = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket app = new Socket()) {
            app.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
            Socket accepted = listener.accept();
            YamuxStream near = client.openStream();
            Splice splice = Splice.of(accepted, near, "t", s -> {
                done.incrementAndGet();
                finished.countDown();
            }).start();
            YamuxStream far = server.accept(Duration.ofSeconds(5)).orElseThrow();

            CompletableFuture<byte[]> atFar = CompletableFuture.supplyAsync(() -> readAll(far.getInputStream()));
            CompletableFuture<byte[]> atApp = CompletableFuture.supplyAsync(() -> {
                try {
                    return readAll(app.getInputStream());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            CompletableFuture.runAsync(() -> write(far.getOutputStream(), down, far));
            OutputStream o = app.getOutputStream();
            o.write(up);
            app.shutdownOutput();

            assertThat(sha(atFar.get(30, TimeUnit.SECONDS))).isEqualTo(sha(up));
            assertThat(sha(atApp.get(30, TimeUnit.SECONDS))).isEqualTo(sha(down));
            assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(done.get()).isEqualTo(1);
            assertThat(splice.bytesToStream()).isEqualTo(up.length);
            assertThat(splice.bytesToSocket()).isEqualTo(down.length);
            assertThat(accepted.isClosed()).isTrue();
        }
    }

    @Test
    void aResetStreamAbortsTheConnection() throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket app = new Socket()) {
            app.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()));
            Socket accepted = listener.accept();
            Splice.of(accepted, client.openStream(), "t", s -> finished.countDown()).start();
            server.accept(Duration.ofSeconds(5)).orElseThrow().reset();
            assertThat(finished.await(10, TimeUnit.SECONDS)).as("both directions end").isTrue();
            app.setSoTimeout(5_000);
            assertThat(app.getInputStream().read()).isEqualTo(-1);
        }
    }

    private static void write(OutputStream out, byte[] data, YamuxStream s) {
        try {
            out.write(data);
            s.closeWrite();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static String sha(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
