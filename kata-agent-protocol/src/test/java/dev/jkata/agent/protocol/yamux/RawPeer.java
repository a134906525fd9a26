package dev.jkata.agent.protocol.yamux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A fake yamux peer that speaks raw bytes, for driving a session with hostile or exact input. */
final class RawPeer implements AutoCloseable {
    record Frame(FrameHeader header, byte[] payload) {}

    private final SocketChannel channel;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private volatile Thread reader;

    RawPeer(SocketChannel channel) {
        this.channel = channel;
    }

    /** Sends raw bytes. */
    void send(byte[] bytes) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(bytes);
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
    }

    void send(FrameHeader header) throws IOException {
        send(header.encode());
    }

    void send(FrameHeader header, byte[] payload) throws IOException {
        send(header.encode());
        send(payload);
    }

    /** Starts parsing what the session sends into frames; without it the peer never reads. */
    RawPeer startReading() {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    byte[] h = readExactly(FrameHeader.SIZE);
                    if (h == null) {
                        return;
                    }
                    FrameHeader header = FrameHeader.decode(h, 0);
                    byte[] payload = header.type() == FrameType.DATA ? readExactly((int) header.lengthUnsigned()) : new byte[0];
                    frames.add(new Frame(header, payload));
                }
            } catch (IOException | RuntimeException e) {
                // the channel closed
            }
        }, "raw-peer-reader");
        t.setDaemon(true);
        t.start();
        reader = t;
        return this;
    }

    /** The next frame the session sent, or null after {@code timeout}. */
    Frame next(Duration timeout) throws InterruptedException {
        return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Skips frames until one matches; fails the test after {@code timeout}. */
    Frame expect(Predicate<FrameHeader> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Frame f = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            if (f == null) {
                throw new AssertionError("no matching frame within " + timeout);
            }
            if (match.test(f.header())) {
                return f;
            }
        }
    }

    private byte[] readExactly(int n) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(n);
        while (bb.hasRemaining()) {
            if (channel.read(bb) < 0) {
                return null;
            }
        }
        return bb.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
