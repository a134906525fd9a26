package dev.jkata.agent.protocol.yamux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class YamuxSessionTest {
    @TempDir
    Path dir;

    private UnixPair pair;
    private YamuxSession client;
    private YamuxSession server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
    });

    private void connect(YamuxConfig clientConfig, YamuxConfig serverConfig) throws IOException {
        pair = UnixPair.open(dir);
        client = YamuxSession.client(pair.left(), clientConfig);
        server = YamuxSession.server(pair.right(), serverConfig);
    }

    private void connect() throws IOException {
        connect(YamuxConfig.builder().name("client").build(), YamuxConfig.builder().name("server").build());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (pair != null) {
            pair.close();
        }
        pool.shutdownNow();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    private static byte[] readN(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertThat(b).hasSize(n);
        return b;
    }

    /** Server side: accept every stream and echo it back until EOF, then half-close. */
    private void echoServer() {
        pool.submit(() -> {
            while (true) {
                YamuxStream s = server.accept();
                pool.submit(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.closeWrite();
                    }
                    return null;
                });
            }
        });
    }

    @Test
    void clientOpensServerAcceptsAndDataFlowsBothWays() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        assertThat(c.id()).isEqualTo(1);
        c.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));

        YamuxStream s = server.accept(Duration.ofSeconds(5)).orElseThrow();
        assertThat(s.id()).isEqualTo(1);
        assertThat(s.openedByPeer()).isTrue();
        assertThat(new String(readN(s.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("hello");

        s.getOutputStream().write("world".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(readN(c.getInputStream(), 5), StandardCharsets.UTF_8)).isEqualTo("world");

        YamuxStream second = client.openStream();
        assertThat(second.id()).isEqualTo(3);
    }

    @Test
    void serverOpensEvenStreamsThatTheClientAccepts() throws Exception {
        connect();
        YamuxStream s = server.openStream();
        assertThat(s.id()).isEqualTo(2);
        s.getOutputStream().write(42);
        YamuxStream c = client.accept();
        assertThat(c.id()).isEqualTo(2);
        assertThat(c.getInputStream().read()).isEqualTo(42);
    }

    @Test
    void tenMebibytesArriveIntact() throws Exception {
        connect();
        echoServer();
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(7).nextBytes(data);
        YamuxStream c = client.openStream();
        Future<byte[]> echoed = pool.submit(() -> readAll(c.getInputStream()));
        try (OutputStream out = c.getOutputStream()) {
            for (int off = 0; off < data.length; off += 100_000) {
                out.write(data, off, Math.min(100_000, data.length - off));
            }
        }
        byte[] back = echoed.get(20, TimeUnit.SECONDS);
        assertThat(back).hasSize(data.length);
        assertThat(sha256(back)).isEqualTo(sha256(data));
    }

    @Test
    void manyConcurrentStreamsKeepTheirBytesApart() throws Exception {
        connect();
        echoServer();
        List<Future<Boolean>> results = new ArrayList<>();
        // Fewer than the accept backlog (32): past it the server refuses streams with RST, by design.
        for (int i = 0; i < 24; i++) {
            int seed = i;
            results.add(pool.submit(() -> {
                byte[] data = new byte[300_000 + seed * 1000];
                new Random(seed).nextBytes(data);
                YamuxStream c = client.openStream();
                Future<byte[]> back = pool.submit(() -> readAll(c.getInputStream()));
                c.getOutputStream().write(data);
                c.closeWrite();
                byte[] echoed = back.get(20, TimeUnit.SECONDS);
                c.close();
                return MessageDigest.isEqual(sha256(echoed), sha256(data));
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get(25, TimeUnit.SECONDS)).isTrue();
        }
        awaitStreamCount(client, 0);
        awaitStreamCount(server, 0);
    }

    @Test
    void senderStopsAtTheWindowUntilTheReaderReads() throws Exception {
        connect();
        int window = 256 * 1024;
        byte[] data = new byte[window * 3];
        new Random(1).nextBytes(data);
        YamuxStream c = client.openStream();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                for (int off = 0; off < data.length; off += 16 * 1024) {
                    c.write(data, off, 16 * 1024);
                    written.addAndGet(16 * 1024);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, pool);

        YamuxStream s = server.accept();
        awaitAvailable(s, window);
        Thread.sleep(200);
        assertThat(s.available()).as("the receiver never buffers more than its window").isEqualTo(window);
        assertThat(written.get()).isEqualTo(window);
        assertThat(writing).isNotDone();

        byte[] got = new byte[data.length];
        int n = 0;
        while (n < got.length) {
            int r = s.getInputStream().read(got, n, got.length - n);
            assertThat(s.available()).isLessThanOrEqualTo(window);
            n += r;
        }
        writing.get(5, TimeUnit.SECONDS);
        assertThat(got).isEqualTo(data);
    }

    @Test
    void aLargerReceiveWindowIsGrantedWithTheSynAndTheAck() throws Exception {
        YamuxConfig big = YamuxConfig.builder().maxWindowBytes(512 * 1024).maxFrameBytes(512 * 1024).build();
        connect(big, big);
        YamuxStream c = client.openStream();
        byte[] data = new byte[512 * 1024];
        CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
            try {
                c.write(data, 0, data.length);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, pool);
        YamuxStream s = server.accept();
        writing.get(5, TimeUnit.SECONDS);
        awaitAvailable(s, 512 * 1024);
        s.getOutputStream().write(new byte[400 * 1024]);
        awaitAvailable(c, 400 * 1024);
    }

    @Test
    void halfCloseEndsOneDirectionAndTheOtherGoesOn() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        c.getOutputStream().write("request".getBytes(StandardCharsets.UTF_8));
        c.getOutputStream().close();
        assertThatThrownBy(() -> c.getOutputStream().write(1)).isInstanceOf(IOException.class);

        YamuxStream s = server.accept();
        assertThat(new String(readAll(s.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("request");
        assertThat(s.isRemoteClosed()).isTrue();

        s.getOutputStream().write("response".getBytes(StandardCharsets.UTF_8));
        s.closeWrite();
        assertThat(new String(readAll(c.getInputStream()), StandardCharsets.UTF_8)).isEqualTo("response");
        assertThat(c.getInputStream().read()).isEqualTo(-1);

        awaitStreamCount(client, 0);
        awaitStreamCount(server, 0);
    }

    @Test
    void resetAbortsBothDirectionsOnTheOtherSide() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        c.getOutputStream().write(1);
        YamuxStream s = server.accept();
        assertThat(s.getInputStream().read()).isEqualTo(1);

        c.reset();
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(YamuxStreamResetException.class)
                .hasMessageContaining("by the peer");
        assertThatThrownBy(() -> s.getOutputStream().write(2)).isInstanceOf(YamuxStreamResetException.class);
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(YamuxStreamResetException.class)
                .hasMessageContaining("here");
        awaitStreamCount(server, 0);
        assertThat(client.streamCount()).isZero();
    }

    @Test
    void goAwayStopsNewStreamsButNotOpenOnes() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        YamuxStream s = server.accept();
        server.goAway();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                client.openStream().reset();
            } catch (YamuxSessionClosedException e) {
                assertThat(e).hasMessageContaining("go-away");
                break;
            }
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }
        c.getOutputStream().write(9);
        assertThat(s.getInputStream().read()).isEqualTo(9);
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void pingMeasuresTheRoundTripInBothRoles() throws Exception {
        connect();
        Duration rtt = client.ping(Duration.ofSeconds(5));
        assertThat(rtt).isPositive().isLessThan(Duration.ofSeconds(5));
        assertThat(server.ping(Duration.ofSeconds(5))).isPositive();
    }

    @Test
    void aReadTimeoutBoundsTheWait() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        long start = System.nanoTime();
        assertThatThrownBy(() -> c.read(new byte[10], 0, 10, Duration.ofMillis(150)))
                .isInstanceOf(YamuxTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(140));
        c.readTimeout(Duration.ofMillis(50));
        assertThatThrownBy(() -> c.getInputStream().read()).isInstanceOf(YamuxTimeoutException.class);
    }

    @Test
    void acceptWithATimeoutReturnsEmptyWhenNoStreamCame() throws Exception {
        connect();
        assertThat(server.accept(Duration.ofMillis(50))).isEqualTo(Optional.empty());
    }

    @Test
    void aFullBacklogRefusesTheStreamWithReset() throws Exception {
        connect(YamuxConfig.defaults(), YamuxConfig.builder().acceptBacklog(1).build());
        YamuxStream first = client.openStream();
        YamuxStream second = client.openStream();
        assertThatThrownBy(() -> second.read(new byte[1], 0, 1, Duration.ofSeconds(5)))
                .isInstanceOf(YamuxStreamResetException.class)
                .hasMessageContaining("refused");
        YamuxStream accepted = server.accept();
        assertThat(accepted.id()).isEqualTo(first.id());
    }

    @Test
    void closingTheSessionWakesEveryBlockedThread() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        Future<?> reading = pool.submit(() -> c.getInputStream().read());
        Future<?> accepting = pool.submit(() -> client.accept());
        Future<?> serverAccepting = pool.submit(() -> {
            server.accept(); // takes the stream the client opened
            return server.accept();
        });
        Thread.sleep(100);
        client.close();
        client.close(); // idempotent

        assertThat(causeOf(reading)).isInstanceOf(YamuxSessionClosedException.class).hasMessageContaining("closed here");
        assertThat(causeOf(accepting)).isInstanceOf(YamuxSessionClosedException.class);
        assertThat(causeOf(serverAccepting)).isInstanceOf(YamuxSessionClosedException.class);
        assertThat(server.awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThatThrownBy(client::openStream).isInstanceOf(YamuxSessionClosedException.class);
        assertThatThrownBy(() -> c.getOutputStream().write(1)).isInstanceOf(YamuxSessionClosedException.class);
    }

    @Test
    void dataReceivedBeforeThePeerWentAwayIsStillReadable() throws Exception {
        connect();
        YamuxStream c = client.openStream();
        c.getOutputStream().write(new byte[] {1, 2, 3});
        YamuxStream s = server.accept();
        awaitAvailable(s, 3);
        client.close();
        assertThat(server.awaitClosed(Duration.ofSeconds(5))).isTrue();
        assertThat(readN(s.getInputStream(), 3)).containsExactly(1, 2, 3);
        assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(YamuxSessionClosedException.class);
    }

    private static Throwable causeOf(Future<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void awaitAvailable(YamuxStream s, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (s.available() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + s.available() + " of " + n + " bytes arrived");
            }
            Thread.sleep(5);
        }
    }

    static void awaitStreamCount(YamuxSession session, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (session.streamCount() != n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(session + " still has " + session.streamCount() + " streams, expected " + n);
            }
            Thread.sleep(5);
        }
    }

    static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

}
