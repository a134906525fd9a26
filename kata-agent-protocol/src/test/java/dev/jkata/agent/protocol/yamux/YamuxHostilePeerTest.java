package dev.jkata.agent.protocol.yamux;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A session facing a peer that sends raw, wrong or no bytes: it must bound, time out and report. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class YamuxHostilePeerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private UnixPair pair;
    private YamuxSession session;
    private RawPeer peer;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-worker");
        t.setDaemon(true);
        return t;
    });

    private void client(YamuxConfig config) throws IOException {
        pair = UnixPair.open(dir);
        session = YamuxSession.client(pair.left(), config);
        peer = new RawPeer(pair.right());
    }

    private void server(YamuxConfig config) throws IOException {
        pair = UnixPair.open(dir);
        session = YamuxSession.server(pair.right(), config);
        peer = new RawPeer(pair.left());
    }

    @AfterEach
    void tearDown() throws IOException {
        if (session != null) {
            session.close();
        }
        if (pair != null) {
            pair.close();
        }
        pool.shutdownNow();
    }

    private static boolean isGoAway(FrameHeader h, GoAwayCode code) {
        return h.type() == FrameType.GO_AWAY && h.lengthUnsigned() == code.code();
    }

    private static Throwable failureOf(Future<?> f) throws InterruptedException {
        try {
            f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still blocked after " + WAIT);
        }
        throw new AssertionError("expected a failure");
    }

    private void assertClosedForProtocolViolation(String messagePart) throws InterruptedException {
        assertThat(session.awaitClosed(WAIT)).isTrue();
        assertThat(session.closeReason()).get()
                .isInstanceOf(YamuxProtocolException.class)
                .extracting(Throwable::getMessage).asString().contains(messagePart);
    }

    @Test
    void garbageBytesEndTheSessionWithAGoAwayAndAProtocolErrorForEveryWaiter() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        YamuxStream s = session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT);
        Future<?> reader = pool.submit(() -> s.getInputStream().read());
        Future<?> writer = pool.submit(() -> {
            s.getOutputStream().write(new byte[300 * 1024]); // more than the window: blocks for window
            return null;
        });
        Future<?> acceptor = pool.submit(() -> session.accept());
        Thread.sleep(100);

        peer.send("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertClosedForProtocolViolation("version 71");
        assertThat(failureOf(reader)).isInstanceOf(YamuxProtocolException.class);
        assertThat(failureOf(writer)).isInstanceOf(YamuxProtocolException.class);
        assertThat(failureOf(acceptor)).isInstanceOf(YamuxSessionClosedException.class)
                .hasCauseInstanceOf(YamuxProtocolException.class);
        peer.expect(h -> isGoAway(h, GoAwayCode.PROTOCOL_ERROR), WAIT);
    }

    @Test
    void anUnknownFrameTypeIsAProtocolViolation() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        peer.send(new byte[] {0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertClosedForProtocolViolation("type 9");
        peer.expect(h -> isGoAway(h, GoAwayCode.PROTOCOL_ERROR), WAIT);
    }

    @Test
    void anOversizedFrameIsRejectedBeforeItsPayloadIsRead() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        YamuxStream s = session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT);
        Future<?> reader = pool.submit(() -> s.getInputStream().read());

        peer.send(FrameHeader.data(1, 0, 0x7FFF_FFFF)); // 2 GiB announced, nothing follows

        assertClosedForProtocolViolation("exceeds the limit of 262144");
        assertThat(failureOf(reader)).isInstanceOf(YamuxProtocolException.class);
        peer.expect(h -> isGoAway(h, GoAwayCode.PROTOCOL_ERROR), WAIT);
    }

    @Test
    void sendingMoreThanTheWindowIsAProtocolViolation() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        YamuxStream s = session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT);

        peer.send(FrameHeader.data(1, FrameHeader.ACK, 200 * 1024), new byte[200 * 1024]);
        peer.send(FrameHeader.data(1, 0, 100 * 1024), new byte[100 * 1024]);

        assertClosedForProtocolViolation("window overrun on stream 1: 102400 bytes sent, 57344 allowed");
        assertThat(s.available()).as("only what fitted the window was buffered").isEqualTo(200 * 1024);
        peer.expect(h -> isGoAway(h, GoAwayCode.PROTOCOL_ERROR), WAIT);
    }

    @Test
    void aWindowUpdateBeyondTwoToTheThirtyTwoIsAProtocolViolation() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT);
        peer.send(FrameHeader.windowUpdate(1, FrameHeader.ACK, 0xFFFF_FFFF));
        assertClosedForProtocolViolation("beyond 2^32 - 1");
    }

    @Test
    void dataForAnUnknownStreamIsAnsweredWithResetAndTheSessionLivesOn() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();

        peer.send(FrameHeader.data(4, 0, 3), new byte[] {1, 2, 3});
        RawPeer.Frame rst = peer.next(WAIT);
        assertThat(rst).isNotNull();
        assertThat(rst.header().encode()).containsExactly(0, 1, 0, 8, 0, 0, 0, 4, 0, 0, 0, 0);

        peer.send(FrameHeader.data(6, FrameHeader.RST, 2), new byte[] {1, 2}); // a reset is never answered
        peer.send(FrameHeader.windowUpdate(8, 0, 1000)); // nor is a window update
        peer.send(FrameHeader.ping(FrameHeader.SYN, 77));
        RawPeer.Frame pong = peer.next(WAIT);
        assertThat(pong.header()).isEqualTo(FrameHeader.ping(FrameHeader.ACK, 77));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aPeerOpeningTooManyStreamsHasTheExtraOnesReset() throws Exception {
        client(YamuxConfig.builder().maxInboundStreams(2).build());
        peer.startReading();
        peer.send(FrameHeader.windowUpdate(2, FrameHeader.SYN, 0));
        peer.send(FrameHeader.windowUpdate(4, FrameHeader.SYN, 0));
        peer.send(FrameHeader.data(6, FrameHeader.SYN, 5), "hello".getBytes(StandardCharsets.US_ASCII));

        RawPeer.Frame refused = peer.next(WAIT);
        assertThat(refused.header()).isEqualTo(FrameHeader.windowUpdate(6, FrameHeader.RST, 0));
        assertThat(session.accept().id()).isEqualTo(2);
        assertThat(session.accept().id()).isEqualTo(4);
        assertThat(session.streamCount()).isEqualTo(2);
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aSessionThatTakesNoStreamsResetsEveryOneThePeerOpensAndHoldsNone() throws Exception {
        client(YamuxConfig.builder().acceptBacklog(0).maxInboundStreams(0).build());
        peer.startReading();
        byte[] window = new byte[256 * 1024];
        for (int id = 2; id <= 64; id += 2) {
            peer.send(FrameHeader.data(id, FrameHeader.SYN, window.length), window);
        }
        for (int id = 2; id <= 64; id += 2) {
            RawPeer.Frame refused = peer.next(WAIT);
            assertThat(refused.header()).isEqualTo(FrameHeader.windowUpdate(id, FrameHeader.RST, 0));
        }
        assertThat(session.streamCount()).isZero();
        assertThat(session.isClosed()).isFalse();
        assertThat(session.accept(Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void anErrorInTheReaderFailsTheSessionForItsWaiters() throws Exception {
        java.io.InputStream dying = new java.io.InputStream() {
            @Override
            public int read() {
                throw new OutOfMemoryError("injected");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new OutOfMemoryError("injected");
            }
        };
        YamuxSession s = YamuxSession.client(dying, java.io.OutputStream.nullOutputStream(), () -> { },
                YamuxConfig.builder().build());
        assertThat(s.awaitClosed(WAIT)).as("the session fails rather than leaving waiters to their timeouts").isTrue();
        assertThat(s.closeReason()).hasValueSatisfying(r -> assertThat(r).hasMessageContaining("reader died"));
    }

    @Test
    void openingAStreamTwiceIsAProtocolViolation() throws Exception {
        client(YamuxConfig.defaults());
        peer.send(FrameHeader.windowUpdate(2, FrameHeader.SYN, 0));
        peer.send(FrameHeader.windowUpdate(2, FrameHeader.SYN, 0));
        assertClosedForProtocolViolation("opened stream 2 twice");
    }

    @Test
    void aServerMustNotOpenOddStreams() throws Exception {
        client(YamuxConfig.defaults());
        peer.send(FrameHeader.windowUpdate(3, FrameHeader.SYN, 0));
        assertClosedForProtocolViolation("parity");
    }

    @Test
    void afterGoAwayTheServerRefusesNewStreams() throws Exception {
        server(YamuxConfig.defaults());
        peer.startReading();
        session.goAway();
        peer.expect(h -> isGoAway(h, GoAwayCode.NORMAL), WAIT);
        peer.send(FrameHeader.windowUpdate(1, FrameHeader.SYN, 0));
        assertThat(peer.next(WAIT).header()).isEqualTo(FrameHeader.windowUpdate(1, FrameHeader.RST, 0));
        assertThat(session.accept(Duration.ofMillis(50))).isEmpty();
    }

    @Test
    void aWriteWaitingForWindowThatNeverComesTimesOut() throws Exception {
        client(YamuxConfig.builder().streamWriteTimeout(Duration.ofMillis(300)).build());
        peer.startReading(); // reads everything, grants nothing
        YamuxStream s = session.openStream();
        s.getOutputStream().write(new byte[256 * 1024]);
        long start = System.nanoTime();
        assertThatThrownBy(() -> s.getOutputStream().write(1))
                .isInstanceOf(YamuxTimeoutException.class)
                .hasMessageContaining("granted no send window");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void aPeerThatStopsReadingFailsTheSessionAfterTheConnectionWriteTimeout() throws Exception {
        client(YamuxConfig.builder().connectionWriteTimeout(Duration.ofMillis(300)).build());
        YamuxStream s = session.openStream();
        peer.send(FrameHeader.windowUpdate(1, FrameHeader.ACK, 64 * 1024 * 1024)); // plenty of window, never read
        Future<?> writer = pool.submit(() -> {
            s.getOutputStream().write(new byte[64 * 1024 * 1024]);
            return null;
        });
        assertThat(failureOf(writer)).isInstanceOf(YamuxTimeoutException.class);
        assertThat(session.awaitClosed(WAIT)).isTrue();
        assertThat(session.closeReason()).get().isInstanceOf(YamuxSessionClosedException.class)
                .extracting(Throwable::getCause).isInstanceOf(YamuxTimeoutException.class);
    }

    @Test
    void aPingThePeerNeverAnswersTimesOut() throws Exception {
        client(YamuxConfig.defaults());
        assertThatThrownBy(() -> session.ping(Duration.ofMillis(200)))
                .isInstanceOf(YamuxTimeoutException.class)
                .satisfies(e -> assertThat(((YamuxTimeoutException) e).timeout()).isEqualTo(Duration.ofMillis(200)));
        assertThat(session.isClosed()).isFalse();
    }

    @Test
    void keepAliveClosesASessionWhosePeerFellSilent() throws Exception {
        client(YamuxConfig.builder().keepAliveInterval(Duration.ofMillis(100))
                .connectionWriteTimeout(Duration.ofMillis(200)).build());
        assertThat(session.awaitClosed(WAIT)).isTrue();
        assertThat(session.closeReason()).get().extracting(Throwable::getMessage).asString().contains("keep-alive");
    }

    @Test
    void aPeerThatDisconnectsMidFrameEndsTheStreamAfterItsCompleteData() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        YamuxStream s = session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT); // read all we sent: closing then is a clean end of file
        peer.send(FrameHeader.data(1, FrameHeader.ACK, 5), "hello".getBytes(StandardCharsets.US_ASCII));
        peer.send(FrameHeader.data(1, 0, 100), new byte[10]);
        peer.close();

        assertThat(s.getInputStream().readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> s.getInputStream().read())
                .isInstanceOf(YamuxSessionClosedException.class)
                .hasMessageContaining("middle of a frame");
    }

    @Test
    void endOfFileOnTheTransportClosesEveryStream() throws Exception {
        client(YamuxConfig.defaults());
        peer.startReading();
        YamuxStream s = session.openStream();
        peer.expect(h -> h.has(FrameHeader.SYN), WAIT);
        Future<?> acceptor = pool.submit(() -> session.accept());
        peer.close();
        assertThat(session.awaitClosed(WAIT)).isTrue();
        assertThatThrownBy(() -> s.getInputStream().read())
                .isInstanceOf(YamuxSessionClosedException.class)
                .hasMessageContaining("end of file");
        assertThat(failureOf(acceptor)).isInstanceOf(YamuxSessionClosedException.class);
    }

    @Test
    void aGoAwayWithAnErrorFromThePeerEndsTheSession() throws Exception {
        client(YamuxConfig.defaults());
        peer.send(FrameHeader.goAway(GoAwayCode.INTERNAL_ERROR));
        assertThat(session.awaitClosed(WAIT)).isTrue();
        assertThat(session.closeReason()).get().isInstanceOf(YamuxSessionClosedException.class)
                .extracting(Throwable::getMessage).asString().contains("INTERNAL_ERROR");
    }

    @Test
    void aPingFloodFromAPeerThatNeverReadsIsBounded() throws Exception {
        client(YamuxConfig.defaults());
        Future<?> flood = pool.submit(() -> {
            byte[] batch = new byte[FrameHeader.SIZE * 1000];
            for (int i = 0; i < 1000; i++) {
                FrameHeader.ping(FrameHeader.SYN, i).encodeInto(batch, i * FrameHeader.SIZE);
            }
            for (int i = 0; i < 1000 && !session.isClosed(); i++) {
                peer.send(batch);
            }
            return null;
        });
        assertThat(session.awaitClosed(Duration.ofSeconds(20))).isTrue();
        assertThat(session.closeReason()).get().extracting(Throwable::getMessage).asString().contains("does not read");
        flood.cancel(true);
    }
}
