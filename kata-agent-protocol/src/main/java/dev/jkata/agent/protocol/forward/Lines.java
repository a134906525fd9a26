package dev.jkata.agent.protocol.forward;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.agent.protocol.yamux.YamuxTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** One bounded ASCII line at the head of a stream, read byte by byte so that no byte after it is consumed. */
final class Lines {
    /** The longest line either side sends, newline included. */
    static final int MAX_LINE = 128;

    private Lines() {}

    static String read(YamuxStream stream, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] line = new byte[MAX_LINE];
        byte[] one = new byte[1];
        for (int n = 0; n < MAX_LINE; n++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new ForwardProtocolException("no complete line within " + timeout.toMillis() + " ms");
            }
            int r;
            try {
                r = stream.read(one, 0, 1, Duration.ofNanos(left));
            } catch (YamuxTimeoutException timedOut) {
                throw new ForwardProtocolException("no complete line within " + timeout.toMillis() + " ms");
            }
            if (r < 0) {
                throw new ForwardProtocolException("the stream ended before its first line did");
            }
            if (one[0] == '\n') {
                return new String(line, 0, n, StandardCharsets.US_ASCII);
            }
            if (one[0] < 0x20 || one[0] > 0x7e) {
                throw new ForwardProtocolException("a line holds a byte that is not printable ASCII: " + (one[0] & 0xff));
            }
            line[n] = one[0];
        }
        throw new ForwardProtocolException("a line is longer than " + MAX_LINE + " bytes");
    }

    static void write(OutputStream out, String line) throws IOException {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
