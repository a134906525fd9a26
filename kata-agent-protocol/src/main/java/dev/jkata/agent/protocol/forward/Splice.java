package dev.jkata.agent.protocol.forward;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One TCP connection joined to one yamux stream: a thread per direction, each direction half-closed on its own
 * (end of the socket's input → FIN on the stream; FIN from the stream → the socket's output shut down). A failure
 * either way aborts both (RST on the stream, the socket closed). When both directions are done, both are closed and
 * {@code onDone} runs once.
 */
public final class Splice {
    private static final int BUFFER = 32 * 1024;

    private final Socket socket;
    private final YamuxStream stream;
    private final java.util.function.Consumer<Splice> onDone;
    private final String name;
    private final AtomicInteger open = new AtomicInteger(2);
    private final AtomicLong toStream = new AtomicLong();
    private final AtomicLong toSocket = new AtomicLong();
    private volatile boolean aborted;

    private Splice(Socket socket, YamuxStream stream, String name, java.util.function.Consumer<Splice> onDone) {
        this.socket = socket;
        this.stream = stream;
        this.name = name;
        this.onDone = onDone;
    }

    /** A splice not yet started: register it where it is tracked, then {@link #start()} it. */
    public static Splice of(Socket socket, YamuxStream stream, String name, java.util.function.Consumer<Splice> onDone) {
        return new Splice(socket, stream, name, onDone);
    }

    /** Starts copying both ways on two daemon threads named after the splice. */
    public Splice start() {
        thread(name + "-out", this::socketToStream).start();
        thread(name + "-in", this::streamToSocket).start();
        return this;
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Bytes carried from the socket to the stream so far. */
    public long bytesToStream() { return toStream.get(); }

    /** Bytes carried from the stream to the socket so far. */
    public long bytesToSocket() { return toSocket.get(); }

    /** Aborts both directions at once. Idempotent. */
    public void abort() {
        aborted = true;
        stream.reset();
        closeQuietly();
    }

    private void socketToStream() {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = socket.getInputStream();
            OutputStream out = stream.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                toStream.addAndGet(n);
            }
            stream.closeWrite();
            finished();
        } catch (IOException | RuntimeException e) {
            failed();
        }
    }

    private void streamToSocket() {
        byte[] buf = new byte[BUFFER];
        try {
            InputStream in = stream.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                toSocket.addAndGet(n);
            }
            socket.shutdownOutput();
            finished();
        } catch (IOException | RuntimeException e) {
            failed();
        }
    }

    private void failed() {
        if (!aborted) {
            abort();
        }
        finished();
    }

    private void finished() {
        if (open.decrementAndGet() == 0) {
            closeQuietly();
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // the stream is gone either way
            }
            onDone.accept(this);
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed
        }
    }

    @Override
    public String toString() {
        return "Splice[" + socket.getRemoteSocketAddress() + " <-> stream " + stream.id() + "]";
    }
}
