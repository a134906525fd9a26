package dev.jkata.agent.protocol.yamux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Jazzer target: the host's yamux session (client role) reading whatever a hostile guest writes, after the host has
 * opened two streams. Each input is the guest's whole output, then end of file. It must end the session with a
 * yamux exception (never another exception from the reader), wake every stream, keep every stream's buffer within
 * its window, and admit no stream the host did not allow.
 */
public final class YamuxFrameFuzz {
    private static final YamuxConfig CONFIG = YamuxConfig.builder().name("fuzz").acceptBacklog(2).maxInboundStreams(2)
            .initialWindowBytes(256 * 1024).maxWindowBytes(512 * 1024).build();

    private YamuxFrameFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        YamuxSession session = YamuxSession.client(new Gated(opened, data), OutputStream.nullOutputStream(), () -> { },
                CONFIG);
        try {
            List<YamuxStream> streams = new ArrayList<>(List.of(session.openStream(), session.openStream()));
            opened.countDown();
            if (!session.awaitClosed(Duration.ofSeconds(10))) {
                throw new IllegalStateException("the session did not end at the peer's end of file");
            }
            RuntimeException why = session.closeReason().orElseThrow(() -> new IllegalStateException("closed without a reason"));
            requireTyped(why);
            try {
                for (Optional<YamuxStream> in; (in = session.accept(Duration.ZERO)).isPresent(); ) {
                    streams.add(in.get());
                }
            } catch (YamuxException closed) {
                // a closed session accepts nothing more; what it admitted was reset with it
            }
            if (streams.size() > 2 + CONFIG.maxInboundStreams()) {
                throw new IllegalStateException(streams.size() - 2 + " inbound streams admitted");
            }
            for (YamuxStream s : streams) {
                if (s.available() > CONFIG.maxWindowBytes()) {
                    throw new IllegalStateException("stream " + s.id() + " buffers " + s.available() + " bytes");
                }
                drain(s);
            }
        } finally {
            opened.countDown();
            session.close();
        }
    }

    /** The reason must be yamux's own, not a reader's internal error. */
    private static void requireTyped(Throwable why) {
        if (!(why instanceof YamuxException)) {
            throw new IllegalStateException("untyped close reason", why);
        }
        for (Throwable c = why.getCause(); c != null; c = c.getCause()) {
            if ((c instanceof RuntimeException && !(c instanceof YamuxException)) || c instanceof Error) {
                throw new IllegalStateException("the yamux reader failed inside: " + c, c);
            }
        }
    }

    /** Reading a stream of a closed session ends (data, then end or a typed failure), never blocks. */
    private static void drain(YamuxStream s) {
        byte[] buf = new byte[8192];
        try {
            while (s.read(buf, 0, buf.length, Duration.ofSeconds(5)) >= 0) {
                // what the peer sent before the end
            }
        } catch (YamuxException | IOException expected) {
            // reset, or the session's end
        }
    }

    /** The peer's bytes, released once the host's streams are open. */
    private static final class Gated extends InputStream {
        private final CountDownLatch gate;
        private final byte[] data;
        private int pos;

        Gated(CountDownLatch gate, byte[] data) {
            this.gate = gate;
            this.data = data;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
