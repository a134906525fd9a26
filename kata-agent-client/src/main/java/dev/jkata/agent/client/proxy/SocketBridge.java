package dev.jkata.agent.client.proxy;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pumps bytes both ways between a yamux stream and a connected socket, one thread per direction.
 * End of input on one side half-closes the other (FIN on the stream, shutdown of the socket's output);
 * when both directions have ended both ends are closed. An error in either direction aborts the bridge:
 * the stream is reset and the socket closed.
 */
public final class SocketBridge implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(SocketBridge.class);
    private static final int BUFFER = 32 * 1024;

    private final YamuxStream stream;
    private final SocketChannel socket;
    private final String name;
    private final Consumer<SocketBridge> onDone;
    private final AtomicInteger directionsLeft = new AtomicInteger(2);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);

    private SocketBridge(YamuxStream stream, SocketChannel socket, String name, Consumer<SocketBridge> onDone) {
        this.stream = stream;
        this.socket = socket;
        this.name = name;
        this.onDone = onDone;
    }

    /**
     * Starts pumping.
     *
     * @param name   names the two threads and log lines
     * @param onDone called once with this bridge when it has ended by any cause; may be null
     */
    public static SocketBridge start(YamuxStream stream, SocketChannel socket, String name, Consumer<SocketBridge> onDone) {
        SocketBridge b = new SocketBridge(stream, socket, name, onDone);
        b.thread(b::socketToStream, "bridge-up-" + name).start();
        b.thread(b::streamToSocket, "bridge-down-" + name).start();
        return b;
    }

    private Thread thread(Runnable body, String threadName) {
        Thread t = new Thread(body, threadName);
        t.setDaemon(true);
        return t;
    }

    private void socketToStream() {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        try {
            while (true) {
                buf.clear();
                int n = socket.read(buf);
                if (n < 0) {
                    stream.closeWrite();
                    break;
                }
                stream.write(buf.array(), 0, n);
            }
            directionEnded();
        } catch (IOException | RuntimeException e) {
            abort("socket to stream", e);
        }
    }

    private void streamToSocket() {
        byte[] buf = new byte[BUFFER];
        try {
            while (true) {
                int n = stream.getInputStream().read(buf, 0, buf.length);
                if (n < 0) {
                    socket.shutdownOutput();
                    break;
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    socket.write(bb);
                }
            }
            directionEnded();
        } catch (IOException | RuntimeException e) {
            abort("stream to socket", e);
        }
    }

    private void directionEnded() {
        if (directionsLeft.decrementAndGet() == 0) {
            finish(false);
        }
    }

    private void abort(String direction, Exception e) {
        if (!finished.get()) {
            LOG.debug("bridge {}: {} ended: {}", name, direction, e.toString());
        }
        finish(true);
    }

    private void finish(boolean abort) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        try {
            if (abort) {
                stream.reset();
            } else {
                stream.close();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("bridge {}: closing the stream failed: {}", name, e.toString());
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("bridge {}: closing the socket failed: {}", name, e.toString());
        }
        done.countDown();
        if (onDone != null) {
            onDone.accept(this);
        }
    }

    /** Waits until both directions have ended; false when {@code timeout} passed first. */
    public boolean awaitDone(Duration timeout) throws InterruptedException {
        return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    public boolean isDone() { return done.getCount() == 0; }

    /** Aborts the bridge: resets the stream and closes the socket. Idempotent. */
    @Override
    public void close() {
        finish(true);
    }

    @Override
    public String toString() { return "SocketBridge[" + name + "]"; }
}
